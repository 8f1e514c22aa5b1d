import DoudiField
import DoudiModel
import DoudiServer
import Foundation
import Testing
@testable import DoudiConsole

/// The console's parts without a server: sessions expire, forms parse, a chart escapes what it
/// draws, a step form makes the step the CLI's options make.
@Suite("web console parts")
struct ConsolePartsTests {
    static func store() throws -> FieldStore { FieldStore(database: try .inMemory()) }

    @Test("a session ends after its idle time, after its lifetime however busy, at logout, and when its user's sign-in ends")
    func sessionExpiry() async throws {
        let sessions = ConsoleSessions(idleSeconds: 60, lifetimeSeconds: 300)
        let actor = Actor(user: "beimu.approver", role: .townApprover, org: try OrgCode("511011101"))
        let store = try Self.store()
        let s = await sessions.start(actor: actor, store: store, now: 1_000)
        #expect(s.id.count == 64 && s.csrf.count == 64 && s.id != s.csrf)
        #expect(await sessions.session(s.id, now: 1_059) != nil, "59 s idle: alive")
        #expect(await sessions.session(s.id, now: 1_118) != nil, "touched at 1059: alive until 1119")
        #expect(await sessions.session(s.id, now: 1_179) == nil, "61 s idle: ended")
        #expect(await sessions.session(s.id, now: 1_180) == nil, "and forgotten")

        let busy = await sessions.start(actor: actor, store: store, now: 2_000)
        for t in stride(from: 2_030, through: 2_300, by: 30) { #expect(await sessions.session(busy.id, now: Int64(t)) != nil) }
        #expect(await sessions.session(busy.id, now: 2_301) == nil, "the lifetime ends it however busy")

        let a = await sessions.start(actor: actor, store: store, now: 3_000)
        let b = await sessions.start(actor: actor, store: store, now: 3_000)
        await sessions.setFlash(a.id, Flash(kind: .done, text: "已办理"))
        #expect(await sessions.takeFlash(a.id)?.text == "已办理")
        #expect(await sessions.takeFlash(a.id) == nil, "a message is shown once")
        await sessions.end(a.id)
        #expect(await sessions.session(a.id, now: 3_001) == nil)
        #expect(await sessions.session(b.id, now: 3_001) != nil)
        await sessions.end(user: "beimu.approver")
        #expect(await sessions.session(b.id, now: 3_002) == nil, "every session of the user ends")
    }

    @Test("tokens compare only when equal and not empty")
    func tokens() {
        let t = Secret.hex()
        #expect(Secret.equal(t, t) && !Secret.equal(t, Secret.hex()) && !Secret.equal("", "") && !Secret.equal(t, String(t.dropLast())))
    }

    @Test("a url-encoded form: plus and percent decoded, repeated names kept in order, blanks absent")
    func formBody() throws {
        let form = FormBody("csrf=ab&chair=%E7%8E%8B%E9%95%87%E9%95%BF&note=a+b%2Bc&groups=dibao&groups=tekun&empty=+&agree=7")
        #expect(form["chair"] == "王镇长" && form["note"] == "a b+c" && form.all("groups") == ["dibao", "tekun"])
        #expect(form["empty"] == nil && form["missing"] == nil)
        #expect(try form.count("agree", "同意人数") == 7)
        #expect(throws: ConsoleError.self) { try form.count("chair", "同意人数") }
        let missing = #expect(throws: ConsoleError.self) { try form.require("reason", "理由") }
        #expect(missing?.field == "reason" && missing?.kind == .badInput)
    }

    @Test("a multipart form: its fields and its file, bytes kept exactly (CRLF inside the file too)")
    func multipart() throws {
        let file = Data("序号,业务流水号\r\n1,202612A\r\n".utf8) + Data([0xFF, 0x00, 0x0D, 0x0A])
        var body = Data("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n".utf8)
        body += Data("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\回盘.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += file + Data("\r\n--XyZ--\r\n".utf8)
        let form = try MultipartForm(body, boundary: "XyZ")
        #expect(form["csrf"] == "tok")
        #expect(form.files["file"]?.data == file)
        #expect(form.files["file"]?.fileName.hasSuffix("回盘.csv") == true)
        #expect(throws: ConsoleError.self) { try MultipartForm(Data("no parts".utf8), boundary: "XyZ") }
    }

    @Test("a chart escapes its labels, series and title; bars are proportional")
    func chart() {
        let chart = BarChart(series: ["<b>低保</b>"], bars: [.init(label: "<script>x</script>", values: [100]), .init(label: "镇", values: [50])],
                             format: { "\($0)" }, title: "a&b")
        let svg = chart.svg()
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("&lt;b&gt;") && svg.contains("a&amp;b"))
        #expect(svg.contains("width=\"520\"") && svg.contains("width=\"260\""), "the longest bar is full width, half is half")
    }

    @Test("step forms make the steps the CLI's options make; a wrong field is named")
    func stepForms() throws {
        let head = Member(id: UUID(), household: UUID(), name: "马大勇", residentID: try ResidentID("511011195503010132"), relation: .head)
        let review = try StepForm.event(.recordCollectiveReview, FormBody("chair=王&recorder=李&agree=7&disagree=1"), members: [head])
        #expect(review == .recordCollectiveReview(.init(chair: "王", recorder: "李", agreeing: 7, disagreeing: 1, qualifies: true)))
        let notQualified = try StepForm.event(.recordCollectiveReview, FormBody("chair=王&recorder=李&agree=2&disagree=5&notQualified=1"), members: [head])
        #expect(notQualified == .recordCollectiveReview(.init(chair: "王", recorder: "李", agreeing: 2, disagreeing: 5, qualifies: false)))
        let tier = "tier-\(head.id.uuidString.lowercased())"
        let approve = try StepForm.event(.approve, FormBody("amount=1%2C080&\(tier)=1&note=ok"), members: [head])
        #expect(approve == .approve(.init(amount: Money(fen: 108_000), classifiedAidTiers: [.init(member: head.id, tier: 1)], note: "ok")))
        let badTier = #expect(throws: ConsoleError.self) { try StepForm.event(.approve, FormBody("\(tier)=4"), members: [head]) }
        #expect(badTier?.field == tier)
        let badAmount = #expect(throws: ConsoleError.self) { try StepForm.event(.payFirst, FormBody("amount=abc"), members: [head]) }
        #expect(badAmount?.field == "amount")
        #expect(throws: ConsoleError.self) { try StepForm.event(.reject, FormBody("reason=+"), members: [head]) }
        // every step a town or the district takes has a form the case page can draw
        for kind in WorkflowEvent.Kind.allCases where kind != .submit {
            for field in StepForm.fields(kind, members: [head], programme: .dibao) { #expect(!field.label.isEmpty && !field.name.isEmpty) }
        }
    }
}
