import DoudiSynthetic
import Foundation
import Testing
@testable import DoudiModel

/// The synthetic district the bench measures with: deterministic, valid, and a realistic mix.
@Suite("Synthetic district")
struct SyntheticDistrictTests {
    static let shape = DistrictShape(towns: 2, villagesPerTown: 3, householdsPerVillage: 150, seed: 7)

    @Test("Same shape and seed, same district; every village on its own seed")
    func deterministic() throws {
        let a = SyntheticDistrict(Self.shape, policy: Fixtures.policy2020), b = SyntheticDistrict(Self.shape, policy: Fixtures.policy2020)
        #expect(a.orgUnits == b.orgUnits && a.villages.count == 6 && a.towns.count == 2)
        let v = a.villages[4]
        #expect(a.households(of: v) == b.households(of: v))
        #expect(a.households(of: a.villages[0]) != a.households(of: a.villages[1]))
        let tree = try OrgTree(a.orgUnits)
        #expect(tree[v] != nil)
    }

    @Test("Valid records: unique resident ID numbers of area 511011, every record passes the model's validation")
    func valid() throws {
        let d = SyntheticDistrict(Self.shape, policy: Fixtures.policy2020)
        var ids = Set<String>()
        for village in d.villages {
            for h in d.households(of: village) {
                try h.household.validate()
                for m in h.members {
                    try m.validate()
                    #expect(m.residentID.areaCode == "511011")
                    #expect(ids.insert(m.residentID.value).inserted, "duplicate ID \(m.residentID.masked)")
                }
                try h.survey.validate()
                for a in h.applications { try a.validate() }
            }
        }
        #expect(ids.count > 6 * 150)
    }

    @Test("The assessment finds a realistic mix of every programme (§3.1–§3.6)")
    func mix() {
        let d = SyntheticDistrict(Self.shape, policy: Fixtures.policy2020)
        let assessor = Assessor(policy: Fixtures.policy2020)
        var found: [Programme: Int] = [:]
        var households = 0
        for village in d.villages {
            for h in d.households(of: village) {
                households += 1
                for det in assessor.assess(h.householdCase, asOf: d.asOf).determinations where det.status.qualifies {
                    found[det.programme, default: 0] += 1
                }
            }
        }
        for p in [Programme.dibao, .classifiedAid, .tekun, .orphan, .unsupportedChild, .disabilityLiving, .disabilityNursing, .temporaryAid] {
            #expect((found[p] ?? 0) > 0, "no household qualifies for \(p.chineseName): \(found)")
        }
        // dibao is common but not universal
        #expect((found[.dibao] ?? 0) > households / 10 && (found[.dibao] ?? 0) < households * 3 / 4, "\(found)")
    }
}
