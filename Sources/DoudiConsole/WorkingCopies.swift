import Crypto
import DoudiField
import DoudiModel
import DoudiServer
import DoudiSync
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A working copy opened at sign-in.
struct OpenedCopy: Sendable {
    var store: FieldStore
    var actor: Actor
    /// The user signed in with a one-time password: they must choose their own before anything else.
    var mustChangePassword: Bool
}

/// Each console user's working copy of their scope: a field store on the server's disk, set
/// up, sealed with the user's password and synced exactly as a town's or the district's
/// laptop is (`SyncClient` over loopback HTTP to this server's own API). What the console
/// shows is read from it and every step taken in the console is a change set in its outbox,
/// pushed through the sync engine at once: merge rules, authority and invariants are the
/// engine's, and laptops receive the step on their next sync.
///
/// Logging in goes through `POST /v1/login` with the browser's address (``LoopbackClient``),
/// so the API's throttling, lockout, disabled accounts and audit log apply unchanged.
actor WorkingCopies {
    /// The name the copies know the server by; requests are sent to ``address``. A fixed name
    /// keeps a copy's cursor across restarts on another port.
    static let serverName = "http://doudi-server.loopback"

    let directory: String
    let loopback: LoopbackClient
    /// `http://127.0.0.1:PORT` once the server listens.
    private var address: String?
    /// A sync in flight per user: a second request waits for it instead of syncing again.
    private var syncing: [String: Task<SyncClient.Report, any Error>] = [:]
    /// A sign-in in progress per user.
    private var opening: [String: Task<OpenedCopy, any Error>] = [:]
    /// When each user's copy last synced (seconds since 1970).
    private var lastSync: [String: Int64] = [:]

    init(directory: String, loopback: LoopbackClient) {
        self.directory = directory; self.loopback = loopback
    }

    func serverRunning(host: String, port: Int) {
        let reachable = host == "0.0.0.0" || host == "::" || host.isEmpty ? "127.0.0.1" : host
        address = "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)"
    }

    /// Logs `user` in through the API (for the browser at `client`) and answers their working
    /// copy, unlocked, synced: made at the first login, and again when the old one can no
    /// longer serve (the password was changed elsewhere, the user's scope changed, the district
    /// revoked or re-assigned the copy's device). Before an old copy is set aside,
    /// `endSessions` ends the sessions that work in it.
    ///
    /// - Throws: ``ConsoleError`` with the server's refusal (wrong password, throttled, locked,
    ///   a village collector), or why the copy cannot be made.
    func open(user: String, password: String, client: String?, endSessions: @escaping @Sendable () async -> Void) async throws -> OpenedCopy {
        // one sign-in of a user at a time: a second (a double click) waits, then opens the copy the first made
        while let previous = opening[user] { _ = try? await previous.value }
        let task = Task { try await self.openNow(user: user, password: password, client: client, endSessions: endSessions) }
        opening[user] = task
        defer { opening[user] = nil }
        return try await task.value
    }

    /// The server's refusals of a copy's login that a new copy mends: its user's scope moved,
    /// or its device was revoked or given to someone else.
    static let needsNewCopy: Set<String> = ["scope", "device-revoked", "device-assigned"]

    private func openNow(user: String, password: String, client: String?, endSessions: @Sendable () async -> Void) async throws -> OpenedCopy {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = self.path(of: user)
        if FileManager.default.fileExists(atPath: path), let existing = try? FieldStore(database: FieldDatabase.open(path: path)),
           let device = try? existing.device(), device.user == user {
            let answer: LoginResponse
            do { answer = try await self.client(existing, browser: client).login(server: Self.serverName, user: user, password: password) } catch let error as SyncError {
                guard Self.needsNewCopy.contains(error.code) else { throw ConsoleError.login(error) }
                return try await makeNew(user: user, password: password, browser: client, replacing: path, endSessions: endSessions)
            }
            try Self.requireOffice(answer.actor)
            // the key derivation is slow on purpose: off the actor, so other users' pages go on
            if let unlocked = try? await Task.detached(operation: { try existing.unlock(password: password) }).value {
                let mustChange = await firstSync(unlocked, user: user)
                return OpenedCopy(store: unlocked, actor: answer.actor, mustChangePassword: mustChange)
            }
            // the password was changed elsewhere: this copy's key is wrapped under the old one
        }
        return try await makeNew(user: user, password: password, browser: client, replacing: path, endSessions: endSessions)
    }

    /// Makes a new copy for `user` (setting aside the one at `path`, after ending the sessions
    /// that work in it), logs it in and syncs it.
    private func makeNew(user: String, password: String, browser: String?, replacing path: String,
                         endSessions: @Sendable () async -> Void) async throws -> OpenedCopy {
        // an old copy is kept aside, not deleted: it may hold steps not yet pushed
        if FileManager.default.fileExists(atPath: path) { await endSessions() }
        _ = try Self.retire(path)
        let store = FieldStore(database: try FieldDatabase.open(path: path))
        do {
            let device = "web-" + Secret.hex().prefix(8)
            let answer: LoginResponse
            do {
                answer = try await client(store, browser: browser).firstLogin(server: Self.serverName, user: user, password: password, device: device)
            } catch let error as SyncError { throw ConsoleError.login(error) }
            try Self.requireOffice(answer.actor)
            let actor = answer.actor
            _ = try store.setUp(DeviceSetup(name: "网页控制台 web console", user: actor.user, role: actor.role, org: actor.org), deviceID: answer.device)
            let protected = try await Task.detached(operation: { try store.protect(password: password) }).value
            try protected.saveLogin(server: Self.serverName, token: answer.token)
            lastSync[user] = nil
            do { _ = try await sync(protected, user: user, force: true) } catch let error as SyncError where error.code == "password-change-required" {
                return OpenedCopy(store: protected, actor: actor, mustChangePassword: true)
            } catch {
                throw ConsoleError(.unavailable, "首次同步失败 the first sync of your working copy failed: \(error)")
            }
            return OpenedCopy(store: protected, actor: actor, mustChangePassword: false)
        } catch {
            // only the copy just begun: the old one is aside under its own name
            Self.remove(path)
            throw error
        }
    }

    /// The sync at sign-in: true when the server serves the user only to change their password
    /// (a one-time password from the district); another failure leaves the copy as it was.
    private func firstSync(_ store: FieldStore, user: String) async -> Bool {
        do { _ = try await sync(store, user: user, force: true) } catch let error as SyncError where error.code == "password-change-required" {
            return true
        } catch {}
        return false
    }

    /// Changes the user's account password through the API and re-wraps the copy's key under it.
    func changePassword(_ store: FieldStore, user: String, current: String, new: String) async throws {
        do { _ = try await admin(store).changePassword(current: current, new: new) } catch let error as SyncError {
            throw ConsoleError(error.status == 400 ? .badInput : .forbidden, "密码未修改 the password was not changed: \(error.message)")
        }
        // the key derivation is slow on purpose: off the actor, so other users' pages go on
        try await Task.detached(operation: { try store.changePassword(to: new) }).value
        _ = try? await sync(store, user: user, force: true)
    }

    /// Syncs `user`'s copy: pushes what the console wrote and pulls what changed. Unless
    /// `force`, a copy synced in the last `freshSeconds` is left as it is (a page view).
    @discardableResult
    func sync(_ store: FieldStore, user: String, force: Bool = false, freshSeconds: Int64 = 3) async throws -> SyncClient.Report? {
        let now = Int64(Date().timeIntervalSince1970)
        while let task = syncing[user] {
            // a page's sync may have started before the step it must push was written
            let report = try? await task.value
            if !force { return report }
        }
        if !force, let last = lastSync[user], now - last < freshSeconds { return nil }
        let client = self.client(store, browser: nil)
        let task = Task { try await client.sync() }
        syncing[user] = task
        defer { if syncing[user] == task { syncing[user] = nil } }
        let report: SyncClient.Report
        do { report = try await task.value } catch let error as SyncError where Self.endsSession.contains(error.code) {
            throw ConsoleError(.unauthenticated, "您的登录已失效（\(error.message)），请重新登录 your sign-in is no longer valid: sign in again")
        }
        if report.pushed > 0 {
            // what this console user pushed, the others' next page pulls at once
            lastSync = [:]
        }
        lastSync[user] = Int64(Date().timeIntervalSince1970)
        return report
    }

    /// The admin API as the copy's user (a district officer), over loopback with the copy's token.
    ///
    /// - Throws: ``ConsoleError`` `unauthenticated` when the copy holds no token.
    func admin(_ store: FieldStore) throws -> AdminClient {
        guard let token = try store.loginToken() else {
            throw ConsoleError(.unauthenticated, "会话的登录已失效，请重新登录 the session's login is gone: sign in again")
        }
        var client = AdminClient(server: Self.serverName, token: token)
        client.transport = transport(browser: nil)
        return client
    }

    /// Sends requests meant for ``serverName`` to this server over loopback, with the loopback
    /// key and (for a login) the browser's address.
    private func transport(browser: String?) -> @Sendable (URLRequest) async throws -> (Data, URLResponse) {
        let base = address ?? "http://127.0.0.1:8080"
        let key = loopback.key
        return { request in
            var request = request
            if let url = request.url?.absoluteString, url.hasPrefix(WorkingCopies.serverName) {
                request.url = URL(string: base + url.dropFirst(WorkingCopies.serverName.count))
            }
            request.setValue(key, forHTTPHeaderField: LoopbackClient.keyHeader)
            if let browser { request.setValue(browser, forHTTPHeaderField: LoopbackClient.clientHeader) }
            return try await URLSession.shared.data(for: request)
        }
    }

    /// A sync client whose requests go to this server over loopback, carrying the loopback key
    /// and the browser's address (a login counts against that address, not the server's).
    private func client(_ store: FieldStore, browser: String?) -> SyncClient {
        var configuration = SyncClient.Configuration()
        configuration.attempts = 2
        configuration.backoffMillis = 100
        configuration.transport = transport(browser: browser)
        return SyncClient(store: store, configuration: configuration)
    }

    /// Ends the copy's login: the server revokes its token (the copy and its records stay).
    func logout(_ store: FieldStore) async {
        _ = try? await client(store, browser: nil).logout()
    }

    /// The server's refusals that end a console session: the user's token is no longer good.
    static let endsSession: Set<String> = ["token-revoked", "token-expired", "unauthenticated", "account-disabled",
                                           "device-revoked", "device-assigned"]

    /// The console serves the towns and the district; village collectors (and anyone whose unit
    /// is a village) keep their laptops.
    static func requireOffice(_ actor: Actor) throws {
        guard actor.role != .collector, actor.org.level != .village else {
            throw ConsoleError(.forbidden, "村(社区)信息采集员使用离线笔记本上的 doudi：网页控制台供镇(街道)和区使用 (village collectors work on their laptop; the console is for towns and the district)")
        }
    }

    /// The copy's file: the user's name hashed (names are not file names).
    func path(of user: String) -> String {
        let digest = SHA256.hash(data: Data(user.utf8)).map { String(format: "%02x", $0) }.joined()
        return (directory as NSString).appendingPathComponent("\(digest.prefix(24)).doudi")
    }

    /// Moves a copy aside (`….replaced-UUID`), with its journal and token; true when there was
    /// one. Nothing is deleted: when a file cannot be moved, the copy stays where it is.
    ///
    /// - Throws: ``ConsoleError`` `unavailable` naming the file that could not be moved.
    static func retire(_ path: String) throws -> Bool {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { remove(path); return false }
        let aside = "\(path).replaced-\(UUID().uuidString.lowercased())"
        for suffix in ["", "-wal", "-shm", ".token"] where fm.fileExists(atPath: path + suffix) {
            do { try fm.moveItem(atPath: path + suffix, toPath: aside + suffix) } catch {
                throw ConsoleError(.unavailable, "旧的工作副本无法移开，未做任何删除 the old working copy could not be set aside (\(path + suffix) → \(aside + suffix): \(error)); nothing was deleted: check the console directory's permissions")
            }
        }
        return true
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".token"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
