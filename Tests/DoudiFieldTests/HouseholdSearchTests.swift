import DoudiModel
import DoudiSync
import DoudiSynthetic
import Foundation
import GRDB
import Testing
@testable import DoudiField

/// Issue 11: a household found by part of a member's name, by the initials of its pinyin, or by
/// the last four characters of an ID number, through the `memberSearch` index the triggers keep.
@Suite("Household search: name part, pinyin initials, ID tail")
struct HouseholdSearchTests {
    typealias S = StoreFixture

    /// Households registered with one member each, by name.
    static func registered(_ f: S, _ names: [String]) throws -> [String: (household: Household, member: Member)] {
        var out: [String: (Household, Member)] = [:]
        for (i, name) in names.enumerated() {
            let h = S.household()
            let m = S.member(h.id, name: name, born: "1970-01-\(String(format: "%02d", i % 28 + 1))", sequence: 100 + i)
            try f.store.perform(.registerHousehold(h, members: [m]))
            out[name] = (h, m)
        }
        return out
    }

    func found(_ f: S, _ text: String) throws -> Set<UUID> { Set(try f.store.households(matching: text).map(\.id)) }

    @Test("Each kind of search finds the household, and only it")
    func kinds() throws {
        let f = try S()
        let people = try Self.registered(f, ["张秀英", "李大山", "单雄信", "欧阳娜娜", "曾国藩", "王秀兰"])
        let zhang = people["张秀英"]!.household.id
        #expect(try found(f, "秀英") == [zhang])
        #expect(try found(f, "张秀英") == [zhang])
        #expect(try found(f, "秀") == [zhang, people["王秀兰"]!.household.id])
        #expect(try found(f, "阳娜娜") == [people["欧阳娜娜"]!.household.id])
        #expect(try found(f, "zxy") == [zhang])
        #expect(try found(f, "ZX") == [zhang])
        #expect(try found(f, "oynn") == [people["欧阳娜娜"]!.household.id])
        // a surname read otherwise than the character: 单 Shàn, 曾 Zēng
        #expect(try found(f, "sxx") == [people["单雄信"]!.household.id])
        #expect(try found(f, "zgf") == [people["曾国藩"]!.household.id])
        let tail = String(people["李大山"]!.member.residentID.value.suffix(4))
        #expect(try found(f, tail) == [people["李大山"]!.household.id])
        #expect(try found(f, tail.lowercased()) == [people["李大山"]!.household.id])
        #expect(try found(f, "秀英英").isEmpty && found(f, "qqq").isEmpty && found(f, "%").isEmpty && found(f, "_").isEmpty)
        // the file holds no digit of the tail: it is keyed
        let keys = try f.store.database.writer.read { db in try String.fetchAll(db, sql: "SELECT key FROM memberSearch WHERE key LIKE 'i:%'") }
        #expect(keys.count == 6 && !keys.contains { $0.contains(tail) })
    }

    @Test("A name with a space is found without it; a name in Latin letters by a part of it as well as by initials")
    func spacesAndLatin() throws {
        let f = try S()
        let people = try Self.registered(f, ["阿依 古丽", "Ali Khan", "安丽"])
        let ayi = people["阿依 古丽"]!.household.id, ali = people["Ali Khan"]!.household.id
        #expect(try found(f, "依古丽") == [ayi] && found(f, "阿依 古丽") == [ayi] && found(f, "依古") == [ayi])
        #expect(try found(f, "khan") == [ali] && found(f, "li") == [ali])
        // initials: 安丽 is al, Ali Khan is alikhan (its letters)
        #expect(try found(f, "al") == [ali, people["安丽"]!.household.id])
    }

    @Test("An edited name is found by its new name only; a voided member not at all; a pulled member like a registered one")
    func followsWrites() throws {
        let f = try S()
        let people = try Self.registered(f, ["张秀英", "李大山"])
        var li = people["李大山"]!.member
        li.name = "李小山"
        try f.store.perform(.editMember(li))
        #expect(try found(f, "大山").isEmpty && found(f, "小山") == [people["李大山"]!.household.id] && found(f, "lxs").count == 1)
        try f.store.perform(.void(.member, people["张秀英"]!.member.id, reason: "重复登记"))
        #expect(try found(f, "秀英").isEmpty && found(f, String(people["张秀英"]!.member.residentID.value.suffix(4))).isEmpty)

        let h = S.household()
        let pulled = S.member(h.id, name: "赵春花", born: "1980-05-06", sequence: 300)
        let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-other")
        func version<R: Encodable>(_ entity: EntityKind, _ id: UUID, _ record: R) throws -> RecordVersion {
            RecordVersion(entity: entity, record: id, village: S.village, household: h.id,
                          fields: try RecordFields.fields(of: record).mapValues { FieldVersion(value: $0, stamp: stamp) }, serverSequence: 9)
        }
        try f.store.apply(PullResponse(records: [try version(.household, h.id, h), try version(.member, pulled.id, pulled)], conflicts: [], cursor: 9, hasMore: false))
        #expect(try found(f, "春花") == [h.id] && found(f, "zch") == [h.id] && found(f, String(pulled.residentID.value.suffix(4))) == [h.id])
    }

    @Test("Search by name part agrees with reading every name, for random parts of random names", arguments: 0..<20)
    func agreesWithScan(seed: UInt64) throws {
        let f = try S()
        var rng = SplitMix(seed: seed)
        let alphabet = Array("张王李赵刘陈杨黄秀英兰华明国建军芳丽娟大小山春花")
        var names: [String] = []
        for _ in 0..<30 { names.append(String((0..<(2 + Int(rng.next() % 3))).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })) }
        let people = try Self.registered(f, Array(Set(names)))
        for _ in 0..<15 {
            let name = names[Int(rng.next() % UInt64(names.count))]
            let chars = Array(name)
            let start = Int(rng.next() % UInt64(chars.count)), length = 1 + Int(rng.next() % UInt64(chars.count - start))
            let part = String(chars[start..<(start + length)])
            let expected = Set(people.filter { $0.key.contains(part) }.map(\.value.household.id))
            #expect(try found(f, part) == expected, "\(part)")
        }
    }

    @Test("Members stored before search by ID tail get their tails at the next unlock")
    func backfill() throws {
        let f = try S()
        let people = try Self.registered(f, ["张秀英"])
        try f.store.database.writer.write { db in
            try db.execute(sql: "UPDATE member SET idTail = NULL")
            try db.execute(sql: "INSERT INTO searchTailsPending(pending) VALUES (1)")
        }
        let tail = String(people["张秀英"]!.member.residentID.value.suffix(4))
        #expect(try found(f, tail).isEmpty)
        f.store.fillSearchTails()
        #expect(try found(f, tail) == [people["张秀英"]!.household.id])
        #expect(try f.store.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM searchTailsPending") } == 0)
    }

    @Test("Pinyin initials of names, with surname readings", arguments: [
        ("张秀英", "zxy"), ("欧阳娜娜", "oynn"), ("单雄信", "sxx"), ("曾国藩", "zgf"), ("王 芳", "wf"), ("Li Na", "lina"), ("鑫琪昊", "xqh"),
    ])
    func initials(name: String, expected: String) {
        #expect(PinyinInitials.of(name) == expected)
    }
}
