import DoudiModel
import DoudiSync
import Foundation
import GRDB

/// Stop-payment decisions (停保), restoring voided records, and the checks that keep a void
/// from dropping a payee silently. The rules are DoudiModel's (``StopPaymentPlan``,
/// ``HouseholdCase/checkVoid()``); this file reads and writes.
extension FieldStore {
    /// Writes a stop-payment decision: the decision, the enrolments ended with the last month
    /// paid, those not yet started voided; after a death, the member recorded as 死亡.
    func stopPayment(_ order: StopPaymentOrder, _ r: inout ChangeRecorder) throws {
        // a household voided before this rule (or on a laptop that had not seen its enrolments)
        // may still have enrolments without an end: the decision ends them all the same
        let householdCase = try Self.householdCase(order.household, r.db, keys: r.keys)
        let plan: StopPaymentPlan
        do {
            plan = try StopPaymentPlan(householdCase: householdCase, member: order.member, ground: order.ground, reason: order.reason,
                                       lastMonth: order.lastMonth, dateOfDeath: order.dateOfDeath, by: r.author, on: order.day, makeID: makeID)
        } catch where error.code == .notAllowed {
            throw FieldError(.forbidden, error.message)
        } catch {
            throw FieldError(error)
        }
        try r.create(plan.decision)
        for e in plan.ended { try r.update(e) }
        for e in plan.withdrawn {
            try r.void(Enrolment.self, id: e.id, reason: "停保：\(plan.lastMonth) 后不再发放（\(order.reason)）")
        }
        if order.ground == .death, let id = order.member, var member = householdCase.members.first(where: { $0.id == id }),
           member.personStatus != .dead {
            member.personStatus = .dead
            try r.update(member)
        }
    }

    /// Restores a voided record with the reason.
    func restore(_ entity: EntityKind, _ id: UUID, reason: String, _ r: inout ChangeRecorder) throws {
        switch entity {
        case .household: try r.restore(Household.self, id: id, reason: reason)
        case .member:
            guard let member = try Member.find(r.db, id: id, keys: r.keys) else {
                throw FieldError(.notFound, field: "member", "no member \(id) in this store")
            }
            if let householdReason = try Household.voidReason(r.db, id: member.household) {
                throw FieldError(.voided, field: "household", "the member's household was voided (\(householdReason)): restore the household first")
            }
            try r.restore(Member.self, id: id, reason: reason)
        case .visit: try r.restore(Visit.self, id: id, reason: reason)
        case .survey: try r.restore(Survey.self, id: id, reason: reason)
        default:
            throw FieldError(.forbidden, "\(entity.rawValue) records are not restored here: households, members, visits and surveys are")
        }
    }

    /// Refuses to void a household still paid (an enrolment without a decided end).
    func requireNotPaid(household id: UUID, _ r: ChangeRecorder) throws {
        guard try Household.voidReason(r.db, id: id) == nil, try Household.exists(r.db, id: id) else { return } // the void reports it
        do { try Self.householdCase(id, r.db, keys: r.keys).checkVoid() } catch let error as ModelError { throw FieldError(error) }
    }

    /// Refuses to void a member whose own enrolments are still paid (without a decided end).
    func requireNotPaid(member id: UUID, _ r: ChangeRecorder) throws {
        guard let member = try Member.active(r.db, id: id, keys: r.keys) else { return } // the void reports it
        do {
            try Self.householdCase(member.household, r.db, keys: r.keys).checkVoid(member: id)
        } catch let error as ModelError { throw FieldError(error) }
    }
}
