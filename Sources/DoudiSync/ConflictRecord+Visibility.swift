import DoudiModel
import Foundation

/// What a reader may see of a conflict (Protocol/SPEC.md §10.2).
///
/// A duplicate-person conflict arises in the village that registered the ID number second,
/// but its `kept` side says where the number is already registered: another village's
/// household. A reader whose jurisdiction does not hold that village is told there is a
/// duplicate to be settled, not where; the town (or the district) that holds both settles it.
extension ConflictRecord {
    /// The village of the standing registration, for a duplicate-person conflict.
    public var standingVillage: OrgCode? {
        guard kind == .duplicatePerson, case .object(let o) = kept, case .string(let v) = o["village"] ?? .null else { return nil }
        return try? OrgCode(v)
    }

    /// True when this is the form served to a reader who may not see where the number stands.
    public var isRedacted: Bool {
        guard kind == .duplicatePerson, case .object(let o) = kept else { return false }
        return o["registered"] == .string("elsewhere")
    }

    /// True when `scope` holds everything the conflict names.
    public func isWhole(within scope: OrgCode) -> Bool {
        !isRedacted && (standingVillage.map(scope.contains) ?? true)
    }

    /// The conflict as a reader whose jurisdiction is `scope` may see it.
    public func visible(within scope: OrgCode) -> ConflictRecord {
        guard !isRedacted, !isWhole(within: scope) else { return self }
        var seen = self
        seen.kept = .object(["registered": .string("elsewhere")])
        seen.message = "此身份证号已在本村以外登记：由乡镇（跨乡镇的由区县）核实哪一登记有效，新登记在核实前保持注销 — "
            + "this resident ID number is already registered outside this village; the town (the district, across towns) settles which registration stands, and the new one stays voided until then"
        return seen
    }

    /// True when `actor` may settle the conflict: it lies within their jurisdiction, whole,
    /// and their role writes its kind of record.
    public func canBeSettled(by actor: Actor) -> Bool {
        actor.hasJurisdiction(over: village) && isWhole(within: actor.org) && entity.writers.contains(actor.role)
    }
}

extension StoredJSON {
    /// A stored conflict body as a reader within `scope` may see it: the body itself unless
    /// it names what lies outside the scope.
    public static func conflictBody(_ body: String, within scope: OrgCode) throws -> String {
        guard body.contains(#""duplicatePerson""#) else { return body }
        let conflict = try Self.conflict(body)
        guard !conflict.isWhole(within: scope) else { return body }
        return try RecordFields.canonicalJSON(conflict.visible(within: scope))
    }
}
