import DoudiModel
import DoudiSynthetic
import Foundation

/// One town of a ``SyntheticDistrict`` (12 villages), household by household, for the
/// field-store bench: household `i` is the `i / 12`-th of village `i % 12`.
struct SyntheticTown {
    let district: SyntheticDistrict
    var rng: SplitMix
    private var cache: [Int: [SyntheticHousehold]] = [:]

    init(seed: UInt64, households: Int, policy: PolicyVersion) {
        district = SyntheticDistrict(DistrictShape(towns: 1, villagesPerTown: 12, householdsPerVillage: (households + 11) / 12, seed: seed), policy: policy)
        rng = SplitMix(seed: seed ^ 0xA5A5)
    }

    var town: OrgCode { district.towns[0] }

    mutating func household(_ i: Int) -> SyntheticHousehold {
        let v = i % district.villages.count
        if cache[v] == nil { cache[v] = district.households(of: district.villages[v]) }
        return cache[v]![i / district.villages.count]
    }

    mutating func visit(household: UUID, day: Int) -> Visit {
        district.visit(household: household, interviewee: "户主", on: try! Day(iso: "2026-01-01").adding(days: day % 300), rng: &rng)
    }
}

/// The shipped 2020 policy (the bench runs from the repository root).
func shippedPolicy() throws -> PolicyVersion {
    let url = URL(fileURLWithPath: "ServerConfig/policy/dongxing-2020.json")
    guard let data = FileManager.default.contents(atPath: url.path) else {
        throw BenchError("ServerConfig/policy/dongxing-2020.json not found: run doudi-bench from the repository root")
    }
    return try PolicyVersion.load(json: data, document: url.lastPathComponent)
}
