import DoudiModel
import DoudiSync
import Foundation
import Testing
@testable import DoudiField

/// Issue 11: the sync client as a state machine, tested without I/O — every transition, retry,
/// back-off and resume is a sequence of events and the instructions they give.
@Suite("The sync state machine")
struct SyncMachineTests {
    typealias M = SyncMachine
    static let village = try! OrgCode("511011101201")
    static let author = Actor(user: "wuxing.collector", role: .collector, org: village)

    static func changeSets(_ n: Int) -> [ChangeSet] {
        (1...max(1, n)).prefix(n).map { i in
            ChangeSet(id: UUID(), device: "dev-a", sequence: Int64(i), author: author, action: "visit.record",
                      stamp: HLCStamp(wallMillis: 1_800_000_000_000 + Int64(i), counter: 0, node: "dev-a"), changes: [])
        }
    }

    static func accepted(_ batch: [ChangeSet]) -> PushResponse {
        PushResponse(acknowledgements: batch.enumerated().map { i, c in
            Acknowledgement(changeSet: c.id, status: .accepted, serverSequence: Int64(i + 1))
        })
    }

    static func page(_ records: Int, cursor: Int64, hasMore: Bool) -> PullResponse {
        let stamp = HLCStamp(wallMillis: 1_800_000_000_000, counter: 0, node: "dev-b")
        return PullResponse(records: (0..<records).map { _ in
            RecordVersion(entity: .visit, record: UUID(), village: village, household: UUID(),
                          fields: ["id": FieldVersion(value: .string(UUID().uuidString), stamp: stamp)], serverSequence: cursor)
        }, conflicts: [], cursor: cursor, hasMore: hasMore)
    }

    static let units = [OrgUnit(code: village, name: "五星村")]

    /// Runs the machine to its start of pushing: begin, keys registered, the server's sequence read.
    static func started(_ machine: inout M, restoring: Bool = false, cursor: Int64 = 0, pending: Int = 0) -> M.Step {
        var step = machine.next(.begin(restoring: restoring, cursor: cursor, pending: pending))
        if restoring {
            #expect(step.instruction == .send(.rebaseRestored))
            step = machine.next(.rebased(nil))
        }
        #expect(step.instruction == .send(.registerKeys))
        step = machine.next(.registered)
        #expect(step.instruction == .send(.serverSequence))
        step = machine.next(.serverSequence(42))
        #expect(step.progress == .started(pending: pending, cursor: cursor, serverSequence: 42))
        #expect(step.instruction == .readOutbox)
        return step
    }

    /// Pulls pages until the last, answering every apply, then org units and their saving.
    static func pullToEnd(_ machine: inout M, from step: M.Step, pages: [PullResponse]) -> M.Step {
        var step = step
        for page in pages {
            guard case .send(.pull) = step.instruction else { Issue.record("expected a pull, got \(step.instruction)"); return step }
            step = machine.next(.pulled(page))
            #expect(step.instruction == .apply(page))
            step = machine.next(.applied)
        }
        #expect(step.instruction == .send(.orgUnits))
        step = machine.next(.orgUnits(units))
        #expect(step.instruction == .saveOrgUnits(units))
        return machine.next(.saved)
    }

    @Test("Nothing to push: the pull goes page by page from the cursor, then org units, then finish")
    func pullOnly() {
        var m = M()
        var step = Self.started(&m, cursor: 7)
        step = m.next(.outbox([]))
        #expect(step.instruction == .send(.pull(after: 7)))
        step = m.next(.pulled(Self.page(3, cursor: 9, hasMore: true)))
        step = m.next(.applied)
        #expect(step.instruction == .send(.pull(after: 9)) && step.progress == .pulled(records: 3, cursor: 9))
        step = Self.pullToEnd(&m, from: step, pages: [Self.page(2, cursor: 12, hasMore: false)])
        guard case .finish(let report) = step.instruction else { Issue.record("\(step.instruction)"); return }
        #expect(report.pulledRecords == 5 && report.cursor == 12 && report.pushed == 0)
    }

    @Test("The outbox goes in batches of the configured size, each recorded before the next, with progress")
    func batches() {
        var m = M(limits: .init(pushBatch: 2))
        let sets = Self.changeSets(5)
        var step = Self.started(&m, pending: 5)
        step = m.next(.outbox(sets))
        var sent: [[ChangeSet]] = []
        while case .send(.push(let batch)) = step.instruction {
            sent.append(batch)
            step = m.next(.pushed(Self.accepted(batch)))
            #expect(step.instruction == .record(batch: batch, answer: Self.accepted(batch), countRetry: true))
            step = m.next(.recorded(AcknowledgementOutcome()))
            #expect(step.progress == .pushed(done: sent.joined().count, of: 5))
        }
        #expect(sent.map(\.count) == [2, 2, 1] && Array(sent.joined()) == sets)
        #expect(step.instruction == .send(.pull(after: 0)))
        step = Self.pullToEnd(&m, from: step, pages: [Self.page(0, cursor: 5, hasMore: false)])
        guard case .finish(let report) = step.instruction else { Issue.record("\(step.instruction)"); return }
        #expect(report.pushed == 5 && report.accepted == 5)
    }

    @Test("A batch refused whole for its content is halved down to the change set at fault, which is set aside; the rest flow")
    func splitting() {
        var m = M(limits: .init(pushBatch: 4))
        let sets = Self.changeSets(4)
        let bad = sets[2]
        let refused = SyncError(code: "malformed-request", message: "bad value", status: 400)
        var step = Self.started(&m, pending: 4)
        step = m.next(.outbox(sets))
        var attempts: [[UUID]] = []
        var recorded: [PushResponse] = []
        while true {
            if case .send(.push(let batch)) = step.instruction {
                attempts.append(batch.map(\.id))
                step = batch.contains(bad) ? m.next(.failed(refused)) : m.next(.pushed(Self.accepted(batch)))
            } else if case .record(_, let answer, _) = step.instruction {
                recorded.append(answer)
                let setAside = answer.acknowledgements.filter { $0.status == .rejected }.map { (id: $0.changeSet, code: $0.code ?? "", message: $0.message ?? "") }
                step = m.next(.recorded(AcknowledgementOutcome(setAside: setAside)))
            } else { break }
        }
        #expect(attempts == [sets.map(\.id), [sets[0].id, sets[1].id], [sets[2].id, sets[3].id], [sets[2].id], [sets[3].id]])
        let rejection = recorded.flatMap(\.acknowledgements).first { $0.status == .rejected }
        #expect(rejection?.changeSet == bad.id && rejection?.code == "malformed-request" && rejection?.message?.contains("HTTP 400") == true)
        #expect(step.instruction == .send(.pull(after: 0)))
        #expect(m.report.rejected.map(\.changeSet) == [bad.id] && m.report.accepted == 3)
    }

    @Test("A transient failure is sent again after waits that double; the last attempt's failure stops the sync")
    func retries() {
        var m = M(limits: .init(attempts: 3, backoffMillis: 100))
        var step = Self.started(&m)
        step = m.next(.outbox([]))
        let down = SyncError(code: "network", message: "cannot reach the server")
        step = m.next(.failed(down))
        #expect(step.instruction == .wait(millis: 100))
        step = m.next(.waited)
        #expect(step.instruction == .send(.pull(after: 0)))
        step = m.next(.failed(SyncError(code: "unavailable", message: "busy", status: 503)))
        #expect(step.instruction == .wait(millis: 200))
        step = m.next(.waited)
        #expect(step.instruction == .send(.pull(after: 0)))
        step = m.next(.failed(down))
        #expect(step.instruction == .fail(down))
        // after a success the next request starts with a fresh count and the first wait
        var again = M(limits: .init(attempts: 3, backoffMillis: 100))
        step = Self.started(&again)
        step = again.next(.outbox([]))
        step = again.next(.failed(down))
        step = again.next(.waited)
        step = again.next(.pulled(Self.page(1, cursor: 3, hasMore: true)))
        step = again.next(.applied)
        step = again.next(.failed(down))
        #expect(step.instruction == .wait(millis: 100))
    }

    @Test("A refusal that is not transient stops the sync at once: no retry, no split for a wrong protocol version")
    func finalFailures() {
        for error in [SyncError(code: "token-expired", message: "log in again", status: 401),
                      SyncError(code: "protocol", message: "cannot read"),
                      SyncError(code: "protocol-version", message: "update doudi", status: 400)] {
            var m = M()
            var step = Self.started(&m, pending: 2)
            step = m.next(.outbox(Self.changeSets(2)))
            step = m.next(.failed(error))
            #expect(step.instruction == .fail(error), "\(error)")
        }
    }

    @Test("The server restored from a backup (cursor ahead): the cursor is forgotten and the pull starts from 0")
    func cursorAhead() {
        var m = M()
        var step = Self.started(&m, cursor: 50)
        step = m.next(.outbox([]))
        #expect(step.instruction == .send(.pull(after: 50)))
        step = m.next(.failed(SyncError(code: "bad-parameter", message: "cursor 50 is ahead of this server (at 20): pull again from 0", status: 400)))
        #expect(step.instruction == .resetCursor)
        step = m.next(.cursorReset)
        #expect(step.instruction == .send(.pull(after: 0)))
        // from 0 the same answer is not a restore: it stops
        step = m.next(.failed(SyncError(code: "bad-parameter", message: "cursor 0 is ahead of this server", status: 400)))
        guard case .fail = step.instruction else { Issue.record("\(step.instruction)"); return }
    }

    @Test("Re-made change sets (sequence taken) and retryable refusals beside acceptances bring another round, at most four")
    func rounds() {
        var m = M()
        var step = Self.started(&m, pending: 2)
        let first = Self.changeSets(2)
        step = m.next(.outbox(first))
        step = m.next(.pushed(Self.accepted(first)))
        let remade = Self.changeSets(1)[0]
        step = m.next(.recorded(AcknowledgementOutcome(rebased: [(from: first[1].id, to: remade)])))
        #expect(step.instruction == .readOutbox)
        step = m.next(.outbox([remade]))
        #expect(step.instruction == .send(.push([remade])))
        step = m.next(.pushed(Self.accepted([remade])))
        guard case .record(_, _, let countRetry) = step.instruction else { Issue.record("\(step.instruction)"); return }
        #expect(countRetry == false, "a change set pushed again in the same sync is not counted as a retry")
        step = m.next(.recorded(AcknowledgementOutcome()))
        #expect(step.instruction == .send(.pull(after: 0)))
        #expect(m.report.pushed == 3 && m.report.rebased.map(\.to) == [remade.id])

        // a change set refused retryably while nothing else passes: no further round
        var lone = M()
        step = Self.started(&lone, pending: 1)
        let one = Self.changeSets(1)
        step = lone.next(.outbox(one))
        step = lone.next(.pushed(PushResponse(acknowledgements: [Acknowledgement(changeSet: one[0].id, status: .rejected, code: "dependency", message: "later")])))
        step = lone.next(.recorded(AcknowledgementOutcome(retrying: [one[0].id])))
        #expect(step.instruction == .send(.pull(after: 0)))
        #expect(lone.report.retrying.map(\.code) == ["dependency"])

        // rounds stop at four even if every round re-makes something
        var busy = M()
        step = Self.started(&busy, pending: 1)
        var rounds = 0
        while step.instruction == .readOutbox {
            rounds += 1
            let sets = Self.changeSets(1)
            step = busy.next(.outbox(sets))
            step = busy.next(.pushed(Self.accepted(sets)))
            step = busy.next(.recorded(AcknowledgementOutcome(rebased: [(from: sets[0].id, to: Self.changeSets(1)[0])])))
        }
        #expect(rounds == 4 && step.instruction == .send(.pull(after: 0)))
    }

    @Test("A push answered for other change sets than sent stops the sync before anything is recorded")
    func wrongAcknowledgements() {
        var m = M()
        var step = Self.started(&m, pending: 1)
        step = m.next(.outbox(Self.changeSets(1)))
        step = m.next(.pushed(Self.accepted(Self.changeSets(1))))
        guard case .fail(let error) = step.instruction else { Issue.record("\(step.instruction)"); return }
        #expect(error.code == "protocol")
    }

    @Test("A restored store is re-based before anything is pushed; an event out of place stops the sync")
    func restoredAndUnexpected() {
        var m = M()
        _ = Self.started(&m, restoring: true)
        var wrong = M()
        let step = wrong.next(.applied)
        guard case .fail(let error) = step.instruction else { Issue.record("\(step.instruction)"); return }
        #expect(error.code == "protocol")
    }
}
