import DoudiModel
import DoudiSynthetic
import Foundation

/// Generating a synthetic district and assessing every household of it, at several sizes.
struct AssessFigures {
    var label: String
    var households = 0
    var generateTime = 0.0
    var assessTime = 0.0
    var eligible: [Programme: Int] = [:]
}

func runAssessBench(shape: DistrictShape, label: String) throws -> AssessFigures {
    var f = AssessFigures(label: label)
    let policy = try shippedPolicy()
    let district = SyntheticDistrict(shape, policy: policy)
    var cases: [HouseholdCase] = []
    f.generateTime = seconds {
        for village in district.villages { cases += district.households(of: village).map(\.householdCase) }
    }
    f.households = cases.count
    let assessor = Assessor(policy: policy)
    var eligible: [Programme: Int] = [:]
    f.assessTime = seconds {
        for c in cases {
            for d in assessor.assess(c, asOf: district.asOf).determinations where d.status.qualifies { eligible[d.programme, default: 0] += 1 }
        }
    }
    f.eligible = eligible
    return f
}

func assessSection(_ runs: [AssessFigures]) -> String {
    var out = """
    ## Assessment and the synthetic district

    `DoudiSynthetic` generates the district deterministically from a seed (2020): towns, villages, monitored households with
    members (valid resident ID numbers of area 511011), a survey, two visits and the applications the assessment supports.
    Then every household is assessed under `dongxing-2020` (every programme, with its explanation).

    | size | households | generated | assessed | per household | qualifying: dibao / classified aid / 特困 / orphan / unsupported child / disability living / nursing / temporary aid |
    |---|---|---|---|---|---|

    """
    for f in runs {
        let mix = [Programme.dibao, .classifiedAid, .tekun, .orphan, .unsupportedChild, .disabilityLiving, .disabilityNursing, .temporaryAid]
            .map { "\(f.eligible[$0] ?? 0)" }.joined(separator: " / ")
        out += "| \(f.label) | \(f.households) | \(rate(f.households, f.generateTime)) | \(rate(f.households, f.assessTime)) | \(String(format: "%.0f µs", f.assessTime / Double(max(f.households, 1)) * 1e6)) | \(mix) |\n"
    }
    return out
}
