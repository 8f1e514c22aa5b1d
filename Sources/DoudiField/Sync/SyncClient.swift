import DoudiModel
import DoudiSync
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The field library's side of the sync protocol (`Protocol/SPEC.md`), over HTTP
/// through `URLSession` (libcurl on Linux), so the field library never links the
/// server stack.
///
/// A sync pushes the outbox in batches (each change set acknowledged on its own: a
/// rejected one is set aside with its reason and never blocks the others), then
/// pulls to the end page by page, each page applied in one transaction with its
/// cursor, so an interrupted sync resumes where it stopped. Network failures and
/// 5xx answers are retried with backoff.
///
/// No outbox is ever wedged (SPEC §8.6): a batch the server refuses whole (an older server's
/// 400 for one bad change set, a 413) is split until the change set it cannot take is found,
/// and that one alone is set aside; a change set refused retryably too many syncs in a row is
/// set aside; one whose number another change set of the device took (`sequence`: a store
/// restored from a backup) is re-made with the next number and pushed in the same sync. A
/// restored store first asks the server how far this device got (`GET /v1/device`) and numbers
/// its new change sets past that.
public struct SyncClient: Sendable {
    public let store: FieldStore
    public var configuration: Configuration

    /// Tuning of a sync.
    public struct Configuration: Sendable {
        /// Change sets per push request.
        public var pushBatch = 200
        /// Records per pull page and bytes per page.
        public var pullLimit = 1_000
        public var pullMaxBytes = 4 * 1_048_576
        /// Attempts per request and the first backoff delay (doubling).
        public var attempts = 4
        public var backoffMillis: UInt64 = 300
        /// Per-request timeout.
        public var timeoutSeconds: Double = 60
        /// Sends a request and answers the response; `URLSession.shared` when nil (tests put a
        /// server of their own here).
        public var transport: (@Sendable (URLRequest) async throws -> (Data, URLResponse))?
        public init() {}
    }

    /// What a sync did.
    public struct Report: Sendable, Codable, Hashable {
        /// Distinct change sets pushed (one pushed again in the same sync counts once).
        public var pushed = 0
        public var accepted = 0
        public var acceptedWithConflicts = 0
        /// Change sets the server rejected for good in this sync: set aside, to redo or drop.
        public var rejected: [Rejected] = []
        /// Change sets refused for a retryable reason: still pending, sent again next sync.
        public var retrying: [Rejected] = []
        /// Change sets re-made with a new number after a `sequence` rejection.
        public var rebased: [Rebased] = []
        /// What the first sync of a restored store did before pushing.
        public var restored: RestoredRebase?
        public var pulledRecords = 0
        public var pulledConflicts = 0
        /// Records the server said left this laptop's scope (a household moved out, SPEC §9.7): removed here.
        public var departedRecords = 0
        /// Bytes of the pull answers as they came over the wire (compressed when gzip was used).
        public var pulledBytes = 0
        public var cursor: Int64 = 0
        /// Where the time went, in seconds.
        public var seconds = Phases()
        public init() {}
    }

    /// Seconds spent in each phase of a sync.
    public struct Phases: Sendable, Codable, Hashable {
        /// Pushing the outbox (reading it, requests, acknowledgements recorded).
        public var push = 0.0
        /// Of ``push``, waiting for the server's answers: its work and the transfer.
        public var pushWait = 0.0
        /// Waiting for pull answers: the server's work and the transfer.
        public var fetch = 0.0
        /// Reading pull answers (JSON to records).
        public var decode = 0.0
        /// Writing pulled pages into the store.
        public var apply = 0.0
        public init() {}
    }

    /// A change set the server refused, with its reason.
    public struct Rejected: Sendable, Codable, Hashable {
        public var changeSet: UUID
        /// Its per-device sequence number (what `doudi outbox` lists).
        public var sequence: Int64
        public var action: String
        public var code: String
        public var message: String
    }

    /// A change set re-made as a new one because its number was taken (SPEC §8.6).
    public struct Rebased: Sendable, Codable, Hashable {
        public var from: UUID
        public var fromSequence: Int64
        public var to: UUID
        public var toSequence: Int64
        public var action: String
    }

    /// Progress for the user (``SyncProgressMeter`` says it).
    public enum Progress: Sendable, Hashable {
        /// The sync begins: change sets waiting, the store's cursor, and the server's sequence
        /// (`GET /v1/health`), which the pull goes towards; nil when the server did not say.
        case started(pending: Int, cursor: Int64, serverSequence: Int64?)
        case pushed(done: Int, of: Int)
        case pulled(records: Int, cursor: Int64)
    }

    public init(store: FieldStore, configuration: Configuration = Configuration()) {
        self.store = store; self.configuration = configuration
    }

    /// Signs this device in and keeps the token beside the store (``LoginToken``), never in it.
    ///
    /// - Throws: ``SyncError`` with the server's code and message (wrong password, unknown user …).
    @discardableResult
    public func login(server: String, user: String, password: String) async throws -> LoginResponse {
        let device = try store.device()
        // the device's bundle keys are registered at login (§15.2); a locked store logs in without them
        let deviceKeys = try? store.bundleKeys().publicKeys
        let response: LoginResponse
        do {
            response = try await send("POST", server: server, path: "/v1/login", token: nil,
                                      body: LoginRequest(user: user, password: password, device: device.id, deviceKeys: deviceKeys))
        } catch let error as SyncError where error.code == "protocol-version" {
            throw await explained(error, server: server)
        }
        guard response.actor.user == device.user, response.actor.role == device.role, response.actor.org == device.org else {
            throw SyncError(code: "scope", message: "\(user) is a \(response.actor.role.rawValue) at \(response.actor.org), but this store is set up for a \(device.role.rawValue) at \(device.org): log in as the store's user")
        }
        try store.saveLogin(server: server, token: response.token)
        if deviceKeys != nil, let registered = response.deviceKeysRegistered {
            // not registered: the server has other keys for this device (§15.2); a server that does not know bundles says nothing
            if registered, let serverKeys = response.serverKeys { try store.saveServerBundleKeys(serverKeys) } else if !registered { try store.forgetServerBundleKeys() }
        }
        return response
    }

    /// What `GET /v1/health` says (the members this client reads).
    struct Health: Decodable {
        var protocolVersion: Int?
        var serverSequence: Int64?
    }

    /// `GET /v1/health`: one attempt of at most 5 s, no token; nil when the server does not answer.
    func health(server: String) async -> Health? {
        var quick = self
        quick.configuration.attempts = 1
        quick.configuration.timeoutSeconds = min(configuration.timeoutSeconds, 5)
        return try? await quick.send("GET", server: server, path: "/v1/health", token: nil, body: Optional<PushRequest>.none)
    }

    /// How far the server's store has come: where a pull from a cursor goes towards, for the
    /// time left; nil when the server does not say.
    func serverSequence(server: String) async -> Int64? {
        await health(server: server)?.serverSequence
    }

    /// Registers this device's bundle keys with the server when its login could not (the store
    /// was locked, or an older doudi logged in), so that it can carry bundles (§15.2). Best
    /// effort: a server that does not know the endpoint, or any failure, leaves it for the next sync.
    func registerBundleKeysIfNeeded(server: String, token: String) async {
        guard (try? store.serverBundleKeys()) == nil, let keys = try? store.bundleKeys().publicKeys else { return }
        do {
            let answer: DeviceKeysResponse = try await send("POST", server: server, path: "/v1/device/keys", token: token,
                                                            body: DeviceKeysRequest(deviceKeys: keys))
            if answer.registered, let serverKeys = answer.serverKeys { try store.saveServerBundleKeys(serverKeys) }
        } catch {
            return
        }
    }

    /// Carries a request bundle (another laptop's, or this one's) to the server (`POST /v1/bundles`)
    /// with this store's login, and answers the reply to carry back. The server checks the
    /// bundle's signature and that this login's user has jurisdiction over its device.
    ///
    /// - Throws: ``SyncError`` with the server's code (`bundle-signature`, `authority`, `device-revoked` …).
    public func uploadBundle(_ file: Data) async throws -> BundleUploadResponse {
        guard let state = try store.syncState(), let token = try store.loginToken() else {
            throw SyncError(code: "not-logged-in", message: "this store has not logged in: run `doudi login --server URL --user NAME` first")
        }
        let (data, _) = try await sendData("POST", server: state.server, path: "/v1/bundles", token: token, body: Optional<PushRequest>.none,
                                           raw: file)
        do { return try JSONDecoder().decode(BundleUploadResponse.self, from: data) } catch {
            throw SyncError(code: "protocol", message: "the server's answer to /v1/bundles cannot be read: \(error)")
        }
    }

    /// What ``logout()`` did.
    public enum LogoutOutcome: Sendable, Hashable {
        /// There was no login to end.
        case notLoggedIn
        /// The server revoked the token (or it was already dead there); the token file is gone.
        case revoked
        /// The server could not be told (its answer is given); the token file is gone all the
        /// same, and the token dies when it expires or the district revokes this device's tokens.
        case forgottenOnly(SyncError)
    }

    /// Ends this device's login: the server revokes the token (`POST /v1/logout`), and the
    /// token file beside the store is deleted — also when the server cannot be reached.
    public func logout() async throws -> LogoutOutcome {
        guard let state = try store.syncState(), let token = try store.loginToken() else {
            try store.forgetLogin()
            return .notLoggedIn
        }
        struct Revoked: Decodable { var revoked: Int }
        var outcome = LogoutOutcome.revoked
        do {
            let _: Revoked = try await send("POST", server: state.server, path: "/v1/logout", token: token, body: Optional<PushRequest>.none)
        } catch let error as SyncError where ["unauthenticated", "token-expired", "token-revoked"].contains(error.code) {
            outcome = .revoked
        } catch let error as SyncError {
            outcome = .forgottenOnly(error)
        }
        try store.forgetLogin()
        return outcome
    }

    /// Rounds of pushing in one sync: the outbox, then what was re-made or may pass now.
    static let maxPushRounds = 4

    /// A `protocol-version` refusal from a server older than this doudi says the older side is
    /// this one ("update doudi"): ask the server what it speaks and say which side to update.
    func explained(_ error: SyncError, server: String) async -> SyncError {
        guard let spoken = await health(server: server)?.protocolVersion, spoken < DoudiSync.protocolVersion else { return error }
        var explained = error
        explained.message = "the server speaks protocol \(spoken), older than this doudi's \(DoudiSync.protocolVersion): the district must update doudi-server first (\(error.message))"
        return explained
    }

    /// Pushes the outbox, then pulls to the end.
    public func sync(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        do { return try await pushAndPull(progress: progress) } catch let error as SyncError where error.code == "protocol-version" {
            guard let server = try? store.syncState()?.server else { throw error }
            throw await explained(error, server: server)
        }
    }

    /// Carries out what ``SyncMachine`` decides, step by step: requests to the server (each
    /// sent once: the machine retries), steps in the store, waits; and feeds back what happened.
    private func pushAndPull(progress: @Sendable (Progress) -> Void) async throws -> Report {
        guard let state = try store.syncState(), let token = try store.loginToken() else {
            throw SyncError(code: "not-logged-in", message: "this store has not logged in: run `doudi login --server URL --user NAME` first")
        }
        var machine = SyncMachine(limits: .init(pushBatch: configuration.pushBatch, attempts: max(1, configuration.attempts),
                                                backoffMillis: configuration.backoffMillis, maxPushRounds: Self.maxPushRounds))
        // a store left without its indexes by a killed initial sync gets them first
        try store.endBulkLoad()
        // an empty store's initial sync is a bulk load: its indexes are made once, at the end
        let bulk = try store.beginBulkLoadIfEmpty()
        do {
            var report = try await drive(&machine, state: state, token: token, progress: progress)
            if bulk {
                let indexStart = DispatchTime.now().uptimeNanoseconds
                try store.endBulkLoad()
                report.seconds.apply += Self.seconds(since: indexStart)
            }
            try store.markSynced()
            return report
        } catch {
            if bulk { try? store.endBulkLoad() }
            throw error
        }
    }

    /// The steps of one sync, from its beginning to its report.
    private func drive(_ machine: inout SyncMachine, state: SyncState, token: String,
                       progress: @Sendable (Progress) -> Void) async throws -> Report {
        var once = self
        once.configuration.attempts = 1
        var seconds = Phases(), bytes = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var pulling = false
        var step = machine.next(.begin(restoring: try store.pendingRestoration() != nil, cursor: state.cursor,
                                       pending: try store.outboxCounts().pending))
        while true {
            if let update = step.progress { progress(update) }
            let event: SyncMachine.Event
            switch step.instruction {
            case .send(let request):
                if case .pull = request, !pulling {
                    pulling = true
                    seconds.push = Self.seconds(since: start)
                }
                do { event = try await once.perform(request, server: state.server, token: token, seconds: &seconds, bytes: &bytes) } catch let error as SyncError {
                    event = .failed(error)
                }
            case .readOutbox:
                event = .outbox(try store.pendingChangeSets(limit: Int.max))
            case .record(_, let answer, let countRetry):
                event = .recorded(try store.record(answer.acknowledgements, countRetry: countRetry))
            case .apply(let page):
                let applyStart = DispatchTime.now().uptimeNanoseconds
                try store.apply(page)
                seconds.apply += Self.seconds(since: applyStart)
                event = .applied
            case .resetCursor:
                try store.resetCursor()
                event = .cursorReset
            case .saveOrgUnits(let units):
                // names and populations for rolls, ledgers and the reserve fund (§3.6.5)
                try store.saveOrgUnits(units)
                event = .saved
            case .wait(let millis):
                try await Task.sleep(nanoseconds: millis * 1_000_000)
                event = .waited
            case .finish(var report):
                report.seconds = seconds
                report.pulledBytes = bytes
                return report
            case .fail(let error):
                throw error
            }
            step = machine.next(event)
        }
    }

    /// One request of the sync, sent once, and what it answered.
    ///
    /// - Throws: ``SyncError`` when it failed (the machine decides whether to try again).
    private func perform(_ request: SyncMachine.Request, server: String, token: String,
                         seconds: inout Phases, bytes: inout Int) async throws -> SyncMachine.Event {
        switch request {
        case .rebaseRestored:
            return .rebased(try await rebaseRestored(server: server, token: token))
        case .registerKeys:
            await registerBundleKeysIfNeeded(server: server, token: token)
            return .registered
        case .serverSequence:
            return .serverSequence(await serverSequence(server: server))
        case .push(let batch):
            let waitStart = DispatchTime.now().uptimeNanoseconds
            defer { seconds.pushWait += Self.seconds(since: waitStart) }
            return .pushed(try await send("POST", server: server, path: "/v1/push", token: token, body: PushRequest(changeSets: batch)))
        case .pull(let cursor):
            let path = "/v1/pull?after=\(cursor)&limit=\(configuration.pullLimit)&maxBytes=\(configuration.pullMaxBytes)&protocolVersion=\(DoudiSync.protocolVersion)"
            let fetchStart = DispatchTime.now().uptimeNanoseconds
            let (data, wireBytes) = try await sendData("GET", server: server, path: path, token: token, body: Optional<PushRequest>.none)
            let decodeStart = DispatchTime.now().uptimeNanoseconds
            seconds.fetch += Self.seconds(since: fetchStart, until: decodeStart)
            let page: PullResponse
            do { page = try PullResponse(wire: data) } catch {
                throw SyncError(code: "protocol", message: "the server's answer to \(path) cannot be read: \(error)")
            }
            seconds.decode += Self.seconds(since: decodeStart)
            bytes += wireBytes
            return .pulled(page)
        case .orgUnits:
            let units: OrgUnitList = try await send("GET", server: server, path: "/v1/org-units", token: token, body: Optional<PushRequest>.none)
            return .orgUnits(units.units)
        }
    }

    /// What one round of pushing did.
    struct RoundTally: Sendable, Hashable {
        var accepted = 0, retrying = 0, rebased = 0
    }

    /// A whole push refused for what it holds (not for who sent it or the protocol spoken):
    /// splitting the batch finds the change set at fault.
    static func refusesContent(_ error: SyncError) -> Bool {
        switch error.status {
        case 400: error.code != "protocol-version"
        case 413, 422: true
        default: false
        }
    }

    /// Asks the server how far this device got and re-bases a restored store's numbering on
    /// it; an older server that cannot say (404) leaves collisions to be re-made as reported.
    private func rebaseRestored(server: String, token: String) async throws -> RestoredRebase? {
        do {
            let status: DeviceStatus = try await send("GET", server: server, path: "/v1/device", token: token, body: Optional<PushRequest>.none)
            return try store.rebaseRestored(serverHighest: status.highestSequence)
        } catch let error as SyncError where error.status == 404 {
            return try store.rebaseRestored(serverHighest: nil)
        }
    }

    static func seconds(since start: UInt64, until end: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Double {
        Double(end - start) / 1e9
    }

    /// One request with retries: network errors and 5xx answers are retried with backoff;
    /// 4xx answers are the server's word and are thrown at once.
    func send<Body: Encodable, Answer: Decodable>(_ method: String, server: String, path: String, token: String?, body: Body?) async throws -> Answer {
        let (data, _) = try await sendData(method, server: server, path: path, token: token, body: body)
        do { return try JSONDecoder().decode(Answer.self, from: data) } catch {
            throw SyncError(code: "protocol", message: "the server's answer to \(path) cannot be read: \(error)")
        }
    }

    /// One request with retries, answering the body of a 2xx response and the bytes it took on
    /// the wire (its `Content-Length`, compressed when the server used gzip).
    func sendData<Body: Encodable>(_ method: String, server: String, path: String, token: String?, body: Body?,
                                   raw: Data? = nil) async throws -> (Data, Int) {
        guard let url = URL(string: server + path) else { throw SyncError(code: "config", message: "\(server) is not a server URL: use http://HOST:PORT") }
        var request = URLRequest(url: url, timeoutInterval: configuration.timeoutSeconds)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            if let push = body as? PushRequest {
                request.httpBody = Data(push.canonicalText.utf8)
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                request.httpBody = try encoder.encode(body)
            }
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            // no `Expect: 100-continue` (curl adds it to large bodies and then waits up to a
            // second for an interim answer before sending the body)
            request.setValue("", forHTTPHeaderField: "Expect")
        } else if let raw {
            request.httpBody = raw
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
            request.setValue("", forHTTPHeaderField: "Expect")
        }
        var delay = configuration.backoffMillis
        var lastError: any Error = SyncError(code: "network", message: "no attempt made")
        for attempt in 1...max(1, configuration.attempts) {
            do {
                let (data, response) = if let transport = configuration.transport {
                    try await transport(request)
                } else {
                    try await URLSession.shared.data(for: request)
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) {
                    let length = response.expectedContentLength
                    return (data, length > 0 ? Int(length) : data.count)
                }
                let body = try? JSONDecoder().decode(ErrorBody.self, from: data)
                let error = SyncError(code: body?.code ?? "http-\(status)", message: body?.message ?? "HTTP \(status) from \(path)", status: status)
                if status < 500 { throw error }
                lastError = error
            } catch let error as SyncError where (error.status ?? 500) < 500 || error.code == "protocol" {
                throw error
            } catch {
                lastError = error is SyncError ? error : SyncError(code: "network", message: "cannot reach \(server): \(error.localizedDescription)")
            }
            if attempt < configuration.attempts {
                try await Task.sleep(nanoseconds: delay * 1_000_000)
                delay *= 2
            }
        }
        throw lastError
    }
}

/// A sync that could not complete; nothing already applied is lost, sync again.
public struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    public init(code: String, message: String, status: Int? = nil) { self.code = code; self.message = message; self.status = status }
    public var description: String { "\(message) (\(code))" }
}
