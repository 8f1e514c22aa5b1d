import DoudiModel
import DoudiSync
import Foundation

extension SyncClient {
    /// Signs a device in **before** its store is set up (`doudi init --server`): the answer says
    /// whom the server knows the account as — user, role and org unit (``LoginResponse/actor``) —
    /// which the store is then set up for, with `device` as its device id.
    ///
    /// Unlike ``login(server:user:password:)`` nothing is compared with, or saved in, the store:
    /// the caller sets the store up for the answer's actor and saves the token
    /// (``FieldStore/saveLogin(server:token:)``).
    ///
    /// ```swift
    /// let answer = try await SyncClient(store: store).firstLogin(server: url, user: "wuxing.collector", password: p, device: "dev-3f9a2c1e")
    /// _ = try store.setUp(DeviceSetup(name: "五星村笔记本", user: answer.actor.user, role: answer.actor.role, org: answer.actor.org), deviceID: answer.device)
    /// try store.saveLogin(server: url, token: answer.token)
    /// ```
    ///
    /// - Parameter device: the device id the new store will have (`dev-` and 8 hex digits).
    /// - Throws: ``SyncError`` with the server's code and message (wrong password, unknown user,
    ///   a device bound to another user …).
    /// - Parameter deviceKeys: the public half of the bundle keys the new store will keep
    ///   (``FieldStore/adoptBundleKeys(_:server:)``), registered with the server by this login.
    public func firstLogin(server: String, user: String, password: String, device: String,
                           deviceKeys: BundlePublicKeys? = nil) async throws -> LoginResponse {
        try await send("POST", server: server, path: "/v1/login", token: nil,
                       body: LoginRequest(user: user, password: password, device: device, deviceKeys: deviceKeys))
    }
}
