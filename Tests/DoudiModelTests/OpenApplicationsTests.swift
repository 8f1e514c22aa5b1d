import Foundation
import Testing
import DoudiModel

/// A second open application for the same programme is warned of, not refused.
@Suite("Open applications: the duplicate warning")
struct OpenApplicationsTests {
    typealias W = WorkflowTests

    static let household = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!

    static func application(_ n: Int, _ programme: Programme, member: Int? = nil) -> Application {
        Application(id: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", 100 + n))!, household: household,
                    member: member.map(W.member), programme: programme, summary: "申请", date: W.day("2020-06-10"))
    }

    static func workflow(_ a: Application, _ steps: [WorkflowEvent] = []) throws -> ApplicationWorkflow {
        var w = try ApplicationWorkflow(application: a.id, programme: a.programme, village: W.village)
        for e in steps { try w.apply(e, by: e.kind == .submit ? W.collector : W.approver, on: W.day("2020-06-20"), policy: W.policy) }
        return w
    }

    @Test("same programme, same household (or person), still open: warned; closed, another programme or another person: not")
    func duplicates() throws {
        let new = Self.application(1, .dibao)
        let open = Self.application(2, .dibao)
        let rejected = Self.application(3, .dibao)
        let withdrawn = Self.application(4, .dibao)
        let other = Self.application(5, .tekun, member: 1)
        let all: [(application: Application, workflow: ApplicationWorkflow?)] = [
            (new, try Self.workflow(new)),
            (open, try Self.workflow(open, [.submit, .startTownReview])),
            (rejected, try Self.workflow(rejected, [.submit, .reject(reason: "收入高于标准")])),
            (withdrawn, try Self.workflow(withdrawn, [.submit, .withdraw(reason: "自愿撤回")])),
            (other, try Self.workflow(other, [.submit])),
        ]
        #expect(OpenApplications.duplicates(of: new, among: all).map(\.id) == [open.id])
        #expect(OpenApplications.duplicates(of: other, among: all).isEmpty)
        let tekunForAnother = Self.application(6, .tekun, member: 2)
        #expect(OpenApplications.duplicates(of: tekunForAnother, among: all).isEmpty)
        let text = OpenApplications.warning(new, duplicates: [(open, .townReview)])
        #expect(text.contains("农村低保") && text.contains("镇审核中") && text.contains("重复"))
    }
}
