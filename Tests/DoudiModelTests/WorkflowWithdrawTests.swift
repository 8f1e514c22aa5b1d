import Foundation
import Testing
import DoudiModel

/// 撤回申请: the applicant withdraws an application before a decision.
@Suite("Application workflow: withdrawal 撤回申请")
struct WorkflowWithdrawTests {
    typealias W = WorkflowTests
    typealias Step = WorkflowTests.Step

    @Test("the village records a withdrawal of a draft or a submitted application; the case is closed with the reason", arguments: [0, 1])
    func villageWithdraws(stepsTaken: Int) throws {
        var w = W.workflow(.dibao)
        try W.run(Array(W.toNotice.prefix(stepsTaken)), on: &w)
        #expect(w.allowedEvents(for: W.collector, on: W.day("2020-06-21")).contains(.withdraw))
        let t = try w.apply(.withdraw(reason: "申请人外出务工，自愿撤回"), by: W.collector, on: W.day("2020-06-21"), policy: W.policy)
        #expect(t.to == .withdrawn && w.stage == .withdrawn && w.isClosed)
        #expect(w.state == .withdrawn(reason: "申请人外出务工，自愿撤回"))
        #expect(w.stage.chineseName == "已撤回" && WorkflowEvent.Kind.withdraw.chineseName == "撤回申请")
        for actor in [W.collector, W.approver, W.officer] {
            #expect(w.allowedEvents(for: actor, on: W.day("2020-07-01")).isEmpty, "nothing follows a withdrawal")
        }
        let again = W.refusal(Step(.submit, W.collector, "2020-06-22"), on: w)
        #expect(again?.code == .illegalTransition && again?.message.contains("new application") == true)
    }

    @Test("once under the town's review the town records the withdrawal; the village cannot any more")
    func townWithdrawsDuringReview() throws {
        var w = W.workflow(.dibao)
        try W.run(W.toNotice, on: &w)
        let byVillage = W.refusal(Step(.withdraw(reason: "自愿撤回"), W.collector, "2020-07-03"), on: w)
        #expect(byVillage?.code == .roleNotAllowed)
        try w.apply(.withdraw(reason: "自愿撤回"), by: W.approver, on: W.day("2020-07-03"), policy: W.policy)
        #expect(w.stage == .withdrawn)
    }

    @Test("a withdrawal needs a reason; none after a decision (approved, rejected, filed) or after aid paid first")
    func refusals() throws {
        var w = W.workflow(.dibao)
        try W.run(Array(W.toNotice.prefix(1)), on: &w)
        #expect(W.refusal(Step(.withdraw(reason: "  "), W.collector, "2020-06-21"), on: w)?.code == .reasonRequired)

        var approved = W.workflow(.dibao)
        try W.run(W.toNotice + [Step(W.approve("300.00"), W.approver, "2020-07-08")], on: &approved)
        #expect(W.refusal(Step(.withdraw(reason: "自愿撤回"), W.approver, "2020-07-09"), on: approved)?.code == .illegalTransition)

        var rejected = W.workflow(.dibao)
        try W.run(Array(W.toNotice.prefix(2)) + [Step(.reject(reason: "收入高于标准"), W.approver, "2020-06-23")], on: &rejected)
        #expect(W.refusal(Step(.withdraw(reason: "自愿撤回"), W.approver, "2020-06-24"), on: rejected)?.code == .illegalTransition)

        var paidFirst = W.workflow(.temporaryAid, .emergency)
        try W.run([Step(.submit, W.collector, "2020-06-20"), Step(.payFirst(amountPerPerson: W.money("500.00")), W.approver, "2020-06-21")], on: &paidFirst)
        #expect(W.refusal(Step(.withdraw(reason: "自愿撤回"), W.approver, "2020-06-22"), on: paidFirst)?.code == .illegalTransition,
                "aid already paid: the paperwork is completed, not withdrawn")
    }

    @Test("the withdrawal travels on the wire as {kind: withdraw, reason} and the stage as withdrawn")
    func wire() throws {
        let event = WorkflowEvent.withdraw(reason: "自愿撤回")
        let data = try JSONEncoder().encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["kind": "withdraw", "reason": "自愿撤回"])
        #expect(try JSONDecoder().decode(WorkflowEvent.self, from: data) == event)

        var w = W.workflow(.dibao)
        try W.run([Step(.submit, W.collector, "2020-06-20"), Step(.withdraw(reason: "自愿撤回"), W.collector, "2020-06-21")], on: &w)
        let stored = try JSONEncoder().encode(w)
        #expect(try JSONDecoder().decode(ApplicationWorkflow.self, from: stored) == w)
    }
}
