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

    @Test("a multipart form with LF line ends reads; a quoted ';' stays in the file name; a body cut short or a part without its name is refused")
    func multipartEdges() throws {
        let lf = Data("--B\nContent-Disposition: form-data; name=\"format\"\n\nsichuan-rcc\n--B\nContent-Disposition: form-data; name=\"file\"; filename=\"回盘;11月 \\\"终\\\".txt\"\n\nABC\n--B--\n".utf8)
        let form = try MultipartForm(lf, boundary: "B")
        #expect(form["format"] == "sichuan-rcc")
        #expect(form.files["file"]?.data == Data("ABC".utf8))
        #expect(form.files["file"]?.fileName == "回盘;11月 \"终\".txt")
        let cut = Data("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhalf a fi".utf8)
        let incomplete = #expect(throws: ConsoleError.self) { try MultipartForm(cut, boundary: "B") }
        #expect(incomplete?.message.contains("incomplete") == true)
        let nameless = Data("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n".utf8)
        #expect(throws: ConsoleError.self) { try MultipartForm(nameless, boundary: "B") }
        #expect(MultipartForm.parameter("boundary", in: "multipart/form-data; charset=utf-8; boundary=\"a;b\"") == "a;b")
        #expect(MultipartForm.parameter("name", in: "form-data; filename=\"x\"") == nil, "filename is not name")
    }

    @Test("a password change ends the user's other sessions, not the one that changed it")
    func passwordChangeEndsOthers() async throws {
        let sessions = ConsoleSessions(idleSeconds: 600, lifetimeSeconds: 3_600)
        let store = try Self.store()
        let actor = Actor(user: "beimu.approver", role: .townApprover, org: try OrgCode("511011101"))
        let kept = await sessions.start(actor: actor, store: store, now: 1_000)
        let other = await sessions.start(actor: actor, store: store, now: 1_000)
        let someoneElse = await sessions.start(actor: Actor(user: "district.officer", role: .districtOfficer, org: try OrgCode("511011")), store: store, now: 1_000)
        await sessions.end(user: "beimu.approver", except: kept.id)
        #expect(await sessions.session(kept.id, now: 1_001) != nil)
        #expect(await sessions.session(other.id, now: 1_001) == nil)
        #expect(await sessions.session(someoneElse.id, now: 1_001) != nil)
    }

    @Test("an old working copy is set aside whole under a new name, never deleted")
    func retire() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("copy.doudi").path
        for suffix in ["", "-wal", ".token"] { try Data("x\(suffix)".utf8).write(to: URL(fileURLWithPath: path + suffix)) }
        #expect(try WorkingCopies.retire(path))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left.count == 3 && left.allSatisfy { $0.hasPrefix("copy.doudi.replaced-") }, "\(left)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try !WorkingCopies.retire(path), "nothing to set aside")
        // a folder that refuses the move: the copy stays where it is
        try Data("y".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path) }
        if getuid() != 0 {   // root moves files whatever the folder's mode
            #expect(throws: ConsoleError.self) { try WorkingCopies.retire(path) }
            #expect(FileManager.default.fileExists(atPath: path), "nothing deleted")
        }
    }

    @Test("the loopback key is honoured only from this machine: loopback, or the server's own address when it listens on an office network")
    func loopbackOrigin() {
        #expect(LoopbackClient.fromThisMachine(remote: "127.0.0.1", local: "127.0.0.1"))
        #expect(LoopbackClient.fromThisMachine(remote: "::1", local: "::1"))
        #expect(LoopbackClient.fromThisMachine(remote: "10.1.2.3", local: "10.1.2.3"), "http.host 10.1.2.3: the console calls that address")
        #expect(!LoopbackClient.fromThisMachine(remote: "10.1.2.4", local: "10.1.2.3"), "another office machine")
        #expect(!LoopbackClient.fromThisMachine(remote: nil, local: nil))
    }

    @Test("a server's refusal keeps its status in the console; only a server that did not answer is 503")
    func serverRefusals() {
        #expect(ConsoleError.action(SyncError(code: "not-found", message: "no such user", status: 404)).kind == .notFound)
        #expect(ConsoleError.action(SyncError(code: "authority", message: "no", status: 403)).kind == .forbidden)
        #expect(ConsoleError.action(SyncError(code: "bad-request", message: "no", status: 400)).kind == .badInput)
        #expect(ConsoleError.action(SyncError(code: "token-revoked", message: "no", status: 401)).kind == .unauthenticated)
        #expect(ConsoleError.action(SyncError(code: "network", message: "refused")).kind == .unavailable)
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
