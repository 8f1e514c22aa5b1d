import DoudiModel
import Foundation

/// One generated household with what a village records about it, and the applications its
/// assessment supports.
public struct SyntheticHousehold: Hashable, Sendable {
    public var household: Household
    public var members: [Member]
    public var survey: Survey
    public var visits: [Visit]
    /// Applications for programmes the assessment finds payable; ``approve`` marks those the
    /// town goes on to approve (the rest stay in the review queue).
    public var applications: [Application]
    public var approve: Set<UUID>

    /// The household as the assessment sees it (no enrolments yet).
    public var householdCase: HouseholdCase {
        HouseholdCase(household: household, members: members, surveys: [survey], applications: applications)
    }
}

/// A deterministic synthetic district in Dongxing's shape: towns and streets, villages, and
/// monitored households with members (valid resident ID numbers of area 511011, plausible
/// names, ages, labour capacity, disabilities and illnesses), an income survey, home visits,
/// and applications where the assessment under the policy finds something payable — a
/// realistic mix of every programme (dibao with classified-aid candidates, 特困, orphans,
/// de-facto unsupported children, the disability subsidies, temporary aid).
///
/// Same shape and seed, same district: each village is generated from its own seed, so a
/// village can be generated alone, in any order.
///
/// ```swift
/// let district = SyntheticDistrict(.town(), policy: policy)
/// for village in district.villages {
///     for h in district.households(of: village) { … }
/// }
/// ```
public struct SyntheticDistrict: Sendable {
    public let shape: DistrictShape
    public let policy: PolicyVersion
    /// The day the surveys and applications lead up to.
    public let asOf: Day
    /// The district, its towns (9 digits) and villages (12 digits), with names and populations.
    public let orgUnits: [OrgUnit]
    /// Every village, in order.
    public let villages: [OrgCode]

    static let townNames = ["椑木", "高梁", "白合", "双才", "顺河", "郭北", "富溪", "苏家", "石子", "田家", "杨家", "永兴", "胜利",
                            "新江", "椑南", "双桥", "平坦", "中山", "永福"]
    static let villageNames = ["五星", "团结", "金星", "新民", "光明", "红旗", "胜利", "和平", "幸福", "长青", "青龙", "白鹤",
                               "双河", "石桥", "柏林", "花园"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenNames = Array("建国秀英德福桂兰玉珍春梅小军明华志强丽娟海燕红霞文杰俊杰家豪子涵欣怡浩然思雨雨轩梓涵淑芬永红国庆")

    /// A district of `shape`, assessed under `policy` as of `asOf`.
    public init(_ shape: DistrictShape, policy: PolicyVersion, asOf: Day = try! Day(iso: "2026-11-01")) {
        self.shape = shape; self.policy = policy; self.asOf = asOf
        var units = [OrgUnit(code: shape.district, name: "东兴区", kind: "区", population: 820_000 * max(1, shape.towns / 19))]
        var villages: [OrgCode] = []
        for t in 0..<shape.towns {
            let town = try! OrgCode(shape.district.value + String(format: "%03d", 101 + t))
            let base = Self.townNames[t % Self.townNames.count] + (t < Self.townNames.count ? "" : "\(t / Self.townNames.count + 1)")
            let townPopulation = 1_400 * shape.villagesPerTown * max(1, shape.householdsPerVillage / 100) + 20_000
            units.append(OrgUnit(code: town, name: base + "镇", kind: "镇", population: townPopulation))
            for v in 0..<shape.villagesPerTown {
                let village = try! OrgCode(town.value + String(format: "%03d", 201 + v))
                villages.append(village)
                units.append(OrgUnit(code: village, name: Self.villageNames[v % Self.villageNames.count] + "村", kind: "村",
                                     population: 1_400 * max(1, shape.householdsPerVillage / 100)))
            }
        }
        orgUnits = units
        self.villages = villages
    }

    /// The towns, in order.
    public var towns: [OrgCode] { orgUnits.filter { $0.code.level == .town }.map(\.code) }

    /// The monitored households of one village, generated from the village's own seed.
    public func households(of village: OrgCode) -> [SyntheticHousehold] {
        let index = villages.firstIndex(of: village) ?? 0
        var rng = SplitMix(seed: shape.seed &* 0x9E37_79B9 &+ UInt64(index) &* 1_000_003)
        let assessor = Assessor(policy: policy)
        return (0..<shape.householdsPerVillage).map { i in
            var h = generate(village: village, index: index, number: i, rng: &rng)
            h.applications = applications(for: h, assessor: assessor, rng: &rng)
            h.approve = Set(h.applications.filter { _ in rng.chance(80) }.map(\.id))
            return h
        }
    }

    // MARK: - households

    private func name(_ rng: inout SplitMix, surname: Character? = nil) -> String {
        let s = surname ?? rng.pick(Self.surnames)
        let a = rng.pick(Self.givenNames), b = rng.pick(Self.givenNames)
        return rng.chance(35) ? "\(s)\(a)" : "\(s)\(a)\(b)"
    }

    /// A resident ID number unique in the district: the sequence digits and birth day are
    /// chosen from the person's global number, so no two people collide.
    private func residentID(person: Int, age: Int, _ rng: inout SplitMix) -> ResidentID {
        let year = asOf.year - age
        // 1,000 sequences per birth day; spread people over the year by their number
        let dayOfYear = (person / 1_000) % 360
        let birth = try! Day(year: year, month: 1, day: 1).adding(days: dayOfYear)
        let sequence = (person % 1_000)
        return try! ResidentID.make(area: shape.district.value, birth: birth, sequence: sequence)
    }

    private func generate(village: OrgCode, index: Int, number i: Int, rng: inout SplitMix) -> SyntheticHousehold {
        let id = rng.uuid()
        // 8 people at most per household: person numbers never collide across households
        var personNumber = (index * shape.householdsPerVillage + i) * 8
        func person(_ relation: Relation, age: Int, surname: Character? = nil, labour: LabourCapacity? = nil) -> Member {
            personNumber += 1
            let disabled = rng.chance(age >= 60 ? 12 : 5)
            let ill = rng.chance(age >= 50 ? 8 : 2)
            let capacity: LabourCapacity = labour ?? (age >= 70 || age < 16 ? .none : age >= 60 || disabled || ill ? (rng.chance(50) ? .partial : .none) : .full)
            return Member(
                id: rng.uuid(), household: id, name: name(&rng, surname: surname),
                residentID: residentID(person: personNumber, age: age, &rng), relation: relation,
                employment: age < 18 ? .student : age >= 60 ? .other : rng.pick([.farming, .farming, .employed, .unemployed]),
                labourCapacity: capacity, health: ill ? .seriouslyIll : (age >= 60 ? .fair : .healthy),
                seriousIllness: ill ? rng.pick(["尿毒症", "恶性肿瘤", "脑梗后遗症", "白血病"]) : nil,
                disability: disabled ? try! Disability(category: rng.pick(DisabilityCategory.allCases), grade: 1 + rng.below(4)) : nil)
        }
        let kind = rng.below(100)
        var members: [Member] = []
        var categories: Set<HouseholdCategory> = []
        let surname = rng.pick(Self.surnames)
        switch kind {
        case 0..<14: // an elderly person alone; some with no supporter at all (特困 candidates)
            var m = person(.head, age: 65 + rng.below(25), surname: surname, labour: .none)
            if rng.chance(35) { m.legalSupporter = .none }
            members = [m]
            categories.insert(.elderlyHousehold)
        case 14..<17: // an orphan with a grandparent (§3.3.2)
            members = [person(.head, age: 62 + rng.below(15), surname: surname)]
            var child = person(.grandchild, age: 4 + rng.below(13), surname: surname)
            child.father = .dead; child.mother = .dead
            members.append(child)
        case 17..<19: // a de-facto unsupported child (§3.3.3)
            members = [person(.head, age: 60 + rng.below(15), surname: surname)]
            var child = person(.grandchild, age: 3 + rng.below(14), surname: surname)
            child.father = .imprisoned; child.mother = .lostContact; child.lostContactConfirmed = true
            members.append(child)
        default: // a family of 2–5
            let headAge = 30 + rng.below(45)
            members = [person(.head, age: headAge, surname: surname)]
            if rng.chance(85) { members.append(person(.spouse, age: max(20, headAge - 5 + rng.below(10)))) }
            for _ in 0..<rng.below(3) { members.append(person(rng.chance(50) ? .son : .daughter, age: max(0, headAge - 22 - rng.below(10)), surname: surname)) }
            if headAge >= 55, rng.chance(30) { members.append(person(.grandchild, age: rng.below(16), surname: surname)) }
        }
        let roll = rng.below(100)
        if roll < 22 { categories.insert(.registeredPoor) } else if roll < 30 { categories.insert(.marginal) } else if roll < 36 { categories.insert(.specialHardship) }
        let head = members[0]
        let household = Household(
            id: id, village: village, hukou: village, address: "\(1 + rng.below(9))组\(1 + rng.below(60))号", phone: rng.chance(70) ? "138\(String(format: "%08d", rng.below(100_000_000)))" : nil,
            categories: categories, housing: rng.pick([.ownBuilt, .ownBuilt, .ownBuilt, .dilapidated, .rented]),
            povertyCauses: head.isSeriouslyIll ? [.illness] : head.disability != nil ? [.disability] : [rng.pick([.lackOfLabour, .disaster, .unemployment])],
            employmentSupportExhausted: rng.chance(30),
            benefitAccount: BenefitAccount(bank: "四川农信", accountName: head.name, accountNumber: "6214" + String(format: "%012d", rng.below(1_000_000_000_000))))

        // per-capita monthly income: a third below the 2020 standard, some marginal, the rest above
        let perCapita: Int64 = switch rng.below(100) {
        case 0..<35: Int64(rng.below(360))
        case 35..<50: 360 + Int64(rng.below(180))
        default: 540 + Int64(rng.below(1_500))
        }
        let total = perCapita * Int64(members.count)
        var incomes: [IncomeItem] = []
        let wage = total * Int64(rng.below(70)) / 100
        let transfer = (total - wage) * Int64(rng.below(40)) / 100
        if wage > 0 { incomes.append(IncomeItem(member: members.first { $0.labourCapacity == .full }?.id, kind: .wage, amount: Money(yuan: wage * 12), period: .annual)) }
        if transfer > 0 { incomes.append(IncomeItem(kind: .transfer, amount: Money(yuan: transfer))) }
        if total - wage - transfer > 0 { incomes.append(IncomeItem(kind: .business, amount: Money(yuan: total - wage - transfer))) }
        var deductions: [Deduction] = []
        if let ill = members.first(where: \.isSeriouslyIll) { deductions.append(Deduction(member: ill.id, kind: .medical, amount: Money(yuan: Int64(50 + rng.below(300))))) }
        let surveyDay = asOf.adding(days: -(10 + rng.below(300)))
        let survey = Survey(id: rng.uuid(), household: id, date: surveyDay, surveyors: ["王五", "赵六"], incomes: incomes, deductions: deductions,
                            assets: Assets(financial: Money(yuan: Int64(rng.below(8_000))), houses: 1))
        let visits = (0..<2).map { k in
            Visit(id: rng.uuid(), household: id, date: surveyDay.adding(days: k * 30 + rng.below(20)), visitors: ["王五", "赵六"],
                  interviewee: head.name, observations: rng.pick(["砖混结构住房，家具陈旧", "土坯房一间，无大件电器", "住房为危房，已列入改造", "家中有电视一台，种植水稻两亩"]),
                  neighbourNotes: rng.chance(50) ? "邻居反映情况属实" : nil, conclusion: .truthful)
        }
        return SyntheticHousehold(household: household, members: members, survey: survey, visits: visits, applications: [], approve: [])
    }

    /// Another home visit to a household, for benches that record visits as a cadre would.
    public func visit(household: UUID, interviewee: String, on day: Day, rng: inout SplitMix) -> Visit {
        Visit(id: rng.uuid(), household: household, date: day, visitors: ["王五", "赵六"], interviewee: interviewee,
              observations: rng.pick(["砖混结构住房，家具陈旧", "土坯房一间，无大件电器", "住房为危房，已列入改造", "家中有电视一台，种植水稻两亩"]),
              neighbourNotes: rng.chance(50) ? "邻居反映情况属实" : nil, conclusion: .truthful)
    }

    // MARK: - applications

    /// Applications for what the assessment finds payable: dibao for the household (or a
    /// single-person case), 特困, orphan and unsupported-child allowances and the nursing
    /// subsidy per person; now and then temporary aid.
    private func applications(for h: SyntheticHousehold, assessor: Assessor, rng: inout SplitMix) -> [Application] {
        let assessment = assessor.assess(h.householdCase, asOf: asOf)
        var out: [Application] = []
        let day = asOf.adding(days: -(rng.below(60)))
        for d in assessment.determinations where d.status == .eligible && d.monthlyAmount > .zero {
            switch d.programme {
            case .dibao, .tekun, .orphan, .unsupportedChild, .disabilityNursing:
                out.append(Application(id: rng.uuid(), household: h.household.id, member: d.programme == .dibao ? d.member : d.member,
                                       programme: d.programme, summary: "\(d.programme.chineseName)申请", date: day))
            default:
                continue // classified aid and the living subsidy come with the dibao approval
            }
        }
        if rng.chance(3) {
            out.append(Application(id: rng.uuid(), household: h.household.id, programme: .temporaryAid, temporaryAidType: .expenditure,
                                   hardship: .ordinary, amountPerPerson: Money(yuan: Int64(360 + rng.below(700))), persons: h.members.count,
                                   summary: rng.pick(["房屋受灾", "突发意外", "家庭成员住院"]), date: day))
        }
        return out
    }
}
