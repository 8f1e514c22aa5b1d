import DoudiModel
import DoudiSync
import Foundation

/// A sync of a field store as a state machine (issue 11, after swift-nio's state machines and
/// powersync-sqlite-core's sync interface): events in, instructions out, no I/O and no clock.
///
/// ``SyncClient/sync(progress:)`` is the thin shell around it: it carries out each
/// ``Instruction`` (a request to the server, a step in the store, a wait) and feeds back what
/// happened as an ``Event``. Every decision is here — the order of the steps, push rounds and
/// batches, splitting a batch the server refuses for its content down to the change set at
/// fault, retries with doubling back-off, resuming a pull from the cursor and starting again
/// from 0 after a server restored from a backup — so each is a unit test of this value.
///
/// ```
/// begin ─▶ rebaseRestored? ─▶ registerKeys ─▶ serverSequence ─▶ readOutbox ─┬─▶ push batch ─▶ record ─┐
///                                                                            │        ▲               │
///                                                      (another round) ◀─────┤        └── next batch ─┘
///                                                                            └─▶ pull ─▶ apply ─┬─▶ pull …
///                                                                                               └─▶ orgUnits ─▶ save ─▶ finish
/// ```
struct SyncMachine: Sendable {
    /// The limits the machine works within.
    struct Limits: Sendable, Hashable {
        /// Change sets per push request.
        var pushBatch = 500
        /// Attempts of one request before the sync stops (transient failures only).
        var attempts = 4
        /// The first wait before a retry; each further one doubles.
        var backoffMillis: UInt64 = 500
        /// Rounds of pushing in one sync: the outbox, then what was re-made or may pass now.
        var maxPushRounds = 4
    }

    /// A request to the server (with its store step), sent again as it is on a retry.
    enum Request: Sendable, Hashable {
        /// `GET /v1/device`, then re-basing a restored store's numbering on the server's answer.
        case rebaseRestored
        /// `POST /v1/device/keys` when the store's bundle keys are not registered (best effort: never fails).
        case registerKeys
        /// `GET /v1/health` for the server's sequence (best effort: never fails).
        case serverSequence
        /// `POST /v1/push` of these change sets.
        case push([ChangeSet])
        /// `GET /v1/pull` from this cursor.
        case pull(after: Int64)
        /// `GET /v1/org-units`.
        case orgUnits
    }

    /// What the shell does next.
    enum Instruction: Sendable, Hashable {
        case send(Request)
        /// Read the outbox's pending change sets (answer ``Event/outbox(_:)``).
        case readOutbox
        /// Record the server's answer to a push in the store (answer ``Event/recorded(_:)``).
        case record(batch: [ChangeSet], answer: PushResponse, countRetry: Bool)
        /// Apply a pulled page in one transaction (answer ``Event/applied``).
        case apply(PullResponse)
        /// Forget the store's cursor: the server was restored from a backup (answer ``Event/cursorReset``).
        case resetCursor
        /// Save the district's org units (answer ``Event/saved``).
        case saveOrgUnits([OrgUnit])
        /// Wait, then answer ``Event/waited``.
        case wait(millis: UInt64)
        /// Done: mark the store synced and answer the report.
        case finish(SyncClient.Report)
        /// Stop with this error; what was applied stays applied.
        case fail(SyncError)
    }

    /// What happened, fed back to the machine.
    enum Event: Sendable {
        /// The sync starts: a restored store to re-base first, the store's cursor, its pending count.
        case begin(restoring: Bool, cursor: Int64, pending: Int)
        case rebased(RestoredRebase?)
        case registered
        case serverSequence(Int64?)
        /// The pending change sets, in order.
        case outbox([ChangeSet])
        case pushed(PushResponse)
        case recorded(AcknowledgementOutcome)
        case pulled(PullResponse)
        case applied
        case cursorReset
        case orgUnits([OrgUnit])
        case saved
        case waited
        /// The request in flight failed.
        case failed(SyncError)
    }

    /// An instruction, with what to tell the user when it is given.
    struct Step: Sendable, Hashable {
        var instruction: Instruction
        var progress: SyncClient.Progress?
    }

    private enum Phase: Sendable, Hashable {
        case idle, rebasing, registering, sequencing, reading, pushing, recording, pulling, applying, resetting, listingUnits, saving, finished
    }

    let limits: Limits
    private var phase = Phase.idle
    private(set) var report = SyncClient.Report()
    private var cursor: Int64 = 0
    private var pendingAtStart = 0
    private var round = 0
    private var queue: [[ChangeSet]] = []
    private var current: [ChangeSet] = []
    private var pushed = Set<UUID>()
    private var total = 0
    private var tally = SyncClient.RoundTally()
    private var inFlight: Request?
    private var attempt = 1
    private var delay: UInt64 = 0
    private var page: PullResponse?
    /// The answer being recorded.
    private var answer: PushResponse?

    init(limits: Limits = Limits()) { self.limits = limits }

    /// The next step after `event`.
    ///
    /// An event the machine does not expect in its phase is a bug of the shell: the sync stops
    /// with a `protocol` error rather than guess.
    mutating func next(_ event: Event) -> Step {
        switch (phase, event) {
        case (.idle, .begin(let restoring, let cursor, let pending)):
            self.cursor = cursor; pendingAtStart = pending
            return restoring ? send(.rebaseRestored, .rebasing) : send(.registerKeys, .registering)
        case (.rebasing, .rebased(let rebase)):
            report.restored = rebase
            return send(.registerKeys, .registering)
        case (.registering, .registered):
            return send(.serverSequence, .sequencing)
        case (.sequencing, .serverSequence(let sequence)):
            round = 1
            phase = .reading
            return Step(instruction: .readOutbox, progress: .started(pending: pendingAtStart, cursor: cursor, serverSequence: sequence))

        case (.reading, .outbox(let pending)):
            guard !pending.isEmpty else { return endPush() }
            total = max(total, pushed.count + pending.filter { !pushed.contains($0.id) }.count)
            let size = max(1, limits.pushBatch)
            queue = stride(from: 0, to: pending.count, by: size).map { Array(pending[$0..<min($0 + size, pending.count)]) }
            tally = SyncClient.RoundTally()
            return nextBatch()
        case (.pushing, .pushed(let answer)):
            guard Set(answer.acknowledgements.map(\.changeSet)) == Set(current.map(\.id)) else {
                return fail(SyncError(code: "protocol", message: "the server did not acknowledge every change set sent; nothing was marked, sync again"))
            }
            phase = .recording
            self.answer = answer
            return Step(instruction: .record(batch: current, answer: answer, countRetry: round == 1))
        case (.pushing, .failed(let error)) where SyncClient.refusesContent(error):
            guard current.count == 1 else {
                // refused whole for what it holds: each half on its own, down to the change set at fault
                let half = current.count / 2
                queue.insert(contentsOf: [Array(current[..<half]), Array(current[half...])], at: 0)
                return nextBatch()
            }
            let status = error.status.map { "HTTP \($0)" } ?? "refused"
            phase = .recording
            answer = PushResponse(acknowledgements: [Acknowledgement(
                changeSet: current[0].id, status: .rejected, code: error.code,
                message: "the server refuses any push holding this change set (\(status)): \(error.message)")])
            return Step(instruction: .record(batch: current, answer: answer!, countRetry: round == 1))
        case (.recording, .recorded(let outcome)):
            note(outcome)
            pushed.formUnion(current.map(\.id))
            report.pushed = pushed.count
            let step = nextBatch()
            return Step(instruction: step.instruction, progress: .pushed(done: pushed.count, of: total))

        case (.pulling, .pulled(let answer)):
            page = answer
            phase = .applying
            return Step(instruction: .apply(answer))
        case (.pulling, .failed(let error)) where error.status == 400 && cursor > 0 && error.message.contains("ahead of this server"):
            // the server was restored from a backup: pull everything again
            phase = .resetting
            return Step(instruction: .resetCursor)
        case (.applying, .applied):
            guard let page else { return unexpected(event) }
            report.pulledRecords += page.records.count
            report.pulledConflicts += page.conflicts.count
            report.departedRecords += page.departures.count
            cursor = page.cursor
            self.page = nil
            let step = page.hasMore ? send(.pull(after: cursor), .pulling) : send(.orgUnits, .listingUnits)
            return Step(instruction: step.instruction, progress: .pulled(records: report.pulledRecords, cursor: cursor))
        case (.resetting, .cursorReset):
            cursor = 0
            return send(.pull(after: 0), .pulling)
        case (.listingUnits, .orgUnits(let units)):
            phase = .saving
            return Step(instruction: .saveOrgUnits(units))
        case (.saving, .saved):
            phase = .finished
            report.cursor = cursor
            return Step(instruction: .finish(report))

        case (_, .failed(let error)) where inFlight != nil:
            // a transient failure (no answer, or a 5xx) is tried again after a wait; anything else stops the sync
            guard SyncMachine.isTransient(error), attempt < limits.attempts else { return fail(error) }
            attempt += 1
            let wait = delay
            delay *= 2
            return Step(instruction: .wait(millis: wait))
        case (_, .waited) where inFlight != nil:
            return Step(instruction: .send(inFlight!))
        default:
            return unexpected(event)
        }
    }

    /// Whether a failure may pass if the same request is sent again: no answer (`network`), or a
    /// server error (5xx). A refusal, an answer that cannot be read or a wrong server URL is final.
    static func isTransient(_ error: SyncError) -> Bool {
        error.code != "protocol" && (error.code == "network" || (error.status ?? 0) >= 500)
    }

    // MARK: - Steps

    private mutating func send(_ request: Request, _ next: Phase) -> Step {
        phase = next
        inFlight = request
        attempt = 1
        delay = limits.backoffMillis
        return Step(instruction: .send(request))
    }

    private mutating func nextBatch() -> Step {
        guard !queue.isEmpty else { return endRound() }
        current = queue.removeFirst()
        return send(.push(current), .pushing)
    }

    /// A round is over: another when change sets were re-made with new numbers, or refused
    /// retryably while others passed (they may pass now); else on to the pull.
    private mutating func endRound() -> Step {
        if (tally.rebased > 0 || (tally.retrying > 0 && tally.accepted > 0)) && round < limits.maxPushRounds {
            round += 1
            phase = .reading
            inFlight = nil
            return Step(instruction: .readOutbox)
        }
        return endPush()
    }

    private mutating func endPush() -> Step {
        report.retrying = report.retrying.filter { r in !report.rejected.contains { $0.changeSet == r.changeSet } }
        return send(.pull(after: cursor), .pulling)
    }

    private mutating func fail(_ error: SyncError) -> Step {
        phase = .finished
        inFlight = nil
        return Step(instruction: .fail(error))
    }

    private mutating func unexpected(_ event: Event) -> Step {
        fail(SyncError(code: "protocol", message: "the sync went wrong (\(event) in \(phase)): sync again; nothing applied is lost"))
    }

    /// What the store made of a push's answer, into the report and the round's tally.
    private mutating func note(_ outcome: AcknowledgementOutcome) {
        guard let answer else { return }
        let sent = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for ack in answer.acknowledgements {
            switch ack.status {
            case .accepted: report.accepted += 1; tally.accepted += 1
            case .acceptedWithConflicts: report.acceptedWithConflicts += 1; tally.accepted += 1
            case .rejected: break
            }
        }
        for item in outcome.setAside {
            report.rejected.append(SyncClient.Rejected(changeSet: item.id, sequence: sent[item.id]?.sequence ?? 0, action: sent[item.id]?.action ?? "?",
                                                       code: item.code, message: item.message))
        }
        for id in outcome.retrying {
            guard let ack = answer.acknowledgements.first(where: { $0.changeSet == id }) else { continue }
            report.retrying.removeAll { $0.changeSet == id }
            report.retrying.append(SyncClient.Rejected(changeSet: id, sequence: sent[id]?.sequence ?? 0, action: sent[id]?.action ?? "?",
                                                       code: ack.code ?? "rejected", message: ack.message ?? ""))
            tally.retrying += 1
        }
        for (from, to) in outcome.rebased {
            report.rebased.append(SyncClient.Rebased(from: from, fromSequence: sent[from]?.sequence ?? 0, to: to.id, toSequence: to.sequence, action: to.action))
            tally.rebased += 1
        }
    }
}
