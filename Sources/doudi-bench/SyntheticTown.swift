import DoudiModel
import Foundation

/// A deterministic synthetic town: villages, households with members and valid
/// Dongxing resident ID numbers, and home visits. Same seed, same town.
struct SyntheticTown {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let given = Array("建国秀英德福桂兰玉珍春梅小军明华志强丽娟海燕红霞文杰俊杰家豪子涵欣怡浩然思雨雨轩梓涵")

    let town = try! OrgCode("511011101")
    var rng: SplitMix

    init(seed: UInt64) { rng = SplitMix(seed: seed) }

    func village(_ i: Int) -> OrgCode { try! OrgCode(town.value + String(201 + i % 12)) }

    mutating func name() -> String {
        let s = Self.surnames[Int(rng.next() % UInt64(Self.surnames.count))]
        let a = Self.given[Int(rng.next() % UInt64(Self.given.count))]
        let b = Self.given[Int(rng.next() % UInt64(Self.given.count))]
        return rng.next() % 3 == 0 ? "\(s)\(a)" : "\(s)\(a)\(b)"
    }

    /// Household `i` with 3 members on average (2–4), ID numbers unique by construction.
    mutating func household(_ i: Int, id: UUID, memberIDs: () -> UUID) -> (Household, [Member]) {
        let v = village(i)
        let h = Household(id: id, village: v, hukou: v, address: "\(i % 12 + 1)组\(i / 12 + 1)号",
                          categories: rng.next() % 5 == 0 ? [.registeredPoor] : [])
        let count = 2 + Int(rng.next() % 3)
        var members: [Member] = []
        for k in 0..<count {
            // (birth date, sequence) is unique by construction: member g gets sequence g % 1000
            // and a birth date inside the year-long block g / 1000 (blocks never overlap).
            let g = i * 4 + k
            let birth = try! Day(iso: "1940-01-01").adding(days: (g / 1000) * 365 + Int(rng.next() % 365))
            let residentID = try! ResidentID.make(area: "511011", birth: birth, sequence: g % 1000)
            members.append(Member(id: memberIDs(), household: h.id, name: name(), residentID: residentID,
                                  relation: k == 0 ? .head : (k == 1 ? .spouse : .son),
                                  labourCapacity: rng.next() % 6 == 0 ? .partial : .full))
        }
        return (h, members)
    }

    mutating func visit(household: UUID, day: Int, id: UUID) -> Visit {
        Visit(id: id, household: household, date: try! Day(iso: "2020-01-01").adding(days: day % 300),
              visitors: ["王五", "赵六"], interviewee: name(), observations: "住房为砖混结构，家中有电视一台，种植水稻两亩",
              neighbourNotes: rng.next() % 2 == 0 ? "邻居反映情况属实" : nil, conclusion: .truthful)
    }
}

/// A small fast deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = withUnsafeBytes(of: a.bigEndian, Array.init) + withUnsafeBytes(of: b.bigEndian, Array.init)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
