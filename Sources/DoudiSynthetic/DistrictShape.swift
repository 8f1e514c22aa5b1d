import DoudiModel
import Foundation

/// How big a synthetic district is: towns, villages per town, monitored households per village.
///
/// The presets follow Dongxing (东兴区, about 820,000 residents in 19 towns and streets and a
/// few hundred villages and communities), each from a seed:
///
/// | preset | towns | villages | monitored households | records (about) |
/// |---|---|---|---|---|
/// | ``village`` | 1 | 1 | 120 | 1,000 |
/// | ``town`` | 1 | 12 | 12,000 | 100,000 |
/// | ``district`` | 19 | 304 | 30,400 | 250,000 |
/// | ``tenDistricts`` | 190 | 3,040 | 304,000 | 2,500,000 |
///
/// ``town`` is a large town with every household of it monitored — the size the sync targets
/// are stated for; ``tenDistricts`` keeps one district code (so the 2020 policy's hukou rule,
/// §3.1.0, still holds) with ten districts' worth of towns.
public struct DistrictShape: Hashable, Sendable {
    public var district: OrgCode
    public var towns: Int
    public var villagesPerTown: Int
    public var householdsPerVillage: Int
    public var seed: UInt64

    public init(district: OrgCode = try! OrgCode("511011"), towns: Int, villagesPerTown: Int, householdsPerVillage: Int, seed: UInt64 = 2020) {
        self.district = district; self.towns = towns; self.villagesPerTown = villagesPerTown
        self.householdsPerVillage = householdsPerVillage; self.seed = seed
    }

    public static func village(seed: UInt64 = 2020) -> DistrictShape { DistrictShape(towns: 1, villagesPerTown: 1, householdsPerVillage: 120, seed: seed) }
    public static func town(seed: UInt64 = 2020) -> DistrictShape { DistrictShape(towns: 1, villagesPerTown: 12, householdsPerVillage: 1_000, seed: seed) }
    public static func district(seed: UInt64 = 2020) -> DistrictShape { DistrictShape(towns: 19, villagesPerTown: 16, householdsPerVillage: 100, seed: seed) }
    public static func tenDistricts(seed: UInt64 = 2020) -> DistrictShape { DistrictShape(towns: 190, villagesPerTown: 16, householdsPerVillage: 100, seed: seed) }

    /// The preset named `village`, `town`, `district` or `tenDistricts`.
    public static func named(_ name: String, seed: UInt64 = 2020) -> DistrictShape? {
        switch name {
        case "village": .village(seed: seed)
        case "town": .town(seed: seed)
        case "district": .district(seed: seed)
        case "tenDistricts", "ten-districts": .tenDistricts(seed: seed)
        default: nil
        }
    }

    /// Monitored households in the whole shape.
    public var households: Int { towns * villagesPerTown * householdsPerVillage }
}
