import DoudiModel
import DoudiSync
import Foundation
import Logging

/// Writes the audit log of logins and account administration (SPEC §11) into the store.
///
/// An event that cannot be written does not undo what it records (the login or the
/// action took place): the failure goes to the server log, at error level, with the
/// event's kind.
struct AuditLog: Sendable {
    let store: any ServerStore
    let clock: ServerClock

    /// Appends an event stamped with the current time.
    func record(_ kind: AuthEvent.Kind, user: String? = nil, org: OrgCode? = nil, device: String? = nil, address: String? = nil,
                actor: String? = nil, detail: String? = nil, logger: Logger) async {
        let event = AuthEventRecord(at: clock.nowSeconds, kind: kind, user: user, org: org, device: device, address: address,
                                    actor: actor, detail: detail)
        do {
            try await store.appendAuthEvent(event)
        } catch {
            logger.error("audit event not written", metadata: ["event": "\(kind.rawValue)", "error.detail": "\(ErrorMiddleware<DoudiRequestContext>.safeDetail(error))"])
        }
    }
}
