import DoudiField
import DoudiModel
import DoudiServer
import Foundation

/// A signed-in console user: who they are, their working copy (unlocked with their password
/// for as long as the session lives), and the token every form of the session carries.
struct ConsoleSession: Sendable {
    /// The cookie's value: 32 random bytes, hex.
    let id: String
    /// The CSRF token every form posts back (a second random value, never in a cookie).
    let csrf: String
    let actor: Actor
    /// The user's working copy, unlocked (``WorkingCopies``).
    let store: FieldStore
    /// Seconds since 1970.
    let createdAt: Int64
    var lastSeenAt: Int64
    /// Signed in with a one-time password: every page but the password page sends them there.
    var mustChangePassword = false
    /// A message shown once on the next page (what the last action did, or why it failed).
    var flash: Flash?
}

/// A one-time message for the next page.
struct Flash: Sendable, Hashable {
    enum Kind: String, Sendable { case done, error }
    var kind: Kind
    var text: String
}

/// The console's sessions, in this process's memory: a restart signs everyone out (their
/// working copies stay on disk, sealed). A session ends after ``idleSeconds`` without a
/// request, ``lifetimeSeconds`` after its login, or at logout.
actor ConsoleSessions {
    private var sessions: [String: ConsoleSession] = [:]
    let idleSeconds: Int64
    let lifetimeSeconds: Int64

    init(idleSeconds: Int64, lifetimeSeconds: Int64) {
        self.idleSeconds = idleSeconds; self.lifetimeSeconds = lifetimeSeconds
    }

    /// Starts a session for `actor` working in `store`.
    func start(actor: Actor, store: FieldStore, mustChangePassword: Bool = false, now: Int64) -> ConsoleSession {
        sweep(now: now)
        let session = ConsoleSession(id: Secret.hex(), csrf: Secret.hex(), actor: actor, store: store,
                                     createdAt: now, lastSeenAt: now, mustChangePassword: mustChangePassword, flash: nil)
        sessions[session.id] = session
        return session
    }

    /// The live session with this id, touched (its idle time starts again); nil when there is
    /// none or it has expired (then it is forgotten).
    func session(_ id: String, now: Int64) -> ConsoleSession? {
        sweep(now: now)   // an ended session's unlocked copy is let go as soon as possible
        guard var session = sessions[id] else { return nil }
        guard !expired(session, now: now) else { sessions[id] = nil; return nil }
        session.lastSeenAt = now
        sessions[id] = session
        return session
    }

    /// Takes the session's one-time message.
    func takeFlash(_ id: String) -> Flash? {
        let flash = sessions[id]?.flash
        sessions[id]?.flash = nil
        return flash
    }

    func setFlash(_ id: String, _ flash: Flash) { sessions[id]?.flash = flash }

    /// The user chose their own password.
    func passwordChanged(_ id: String) { sessions[id]?.mustChangePassword = false }

    /// Ends a session (logout).
    func end(_ id: String) { sessions[id] = nil }

    /// Ends every session of a user but `kept` (their working copy is being replaced, their
    /// password changed, their sign-in is no longer good).
    func end(user: String, except kept: String? = nil) {
        sessions = sessions.filter { $0.value.actor.user != user || $0.key == kept }
    }

    /// How many sessions of a user are live.
    func count(user: String, now: Int64) -> Int { sweep(now: now); return sessions.values.filter { $0.actor.user == user }.count }

    /// How many sessions are live (for tests and the log).
    func count(now: Int64) -> Int { sweep(now: now); return sessions.count }

    private func expired(_ s: ConsoleSession, now: Int64) -> Bool {
        now - s.lastSeenAt > idleSeconds || now - s.createdAt > lifetimeSeconds
    }

    private func sweep(now: Int64) { sessions = sessions.filter { !expired($0.value, now: now) } }
}
