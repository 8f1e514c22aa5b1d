import DoudiModel
import DoudiSync
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The district's administration of devices and users over HTTP (`/v1/admin/…`, SPEC §11),
/// with a district officer's token: what `doudi admin` runs. With any token it also reads
/// the caller's own device and changes the caller's own password (`doudi account-password`).
///
/// It talks HTTP as ``SyncClient`` does (`URLSession`, JSON with sorted keys, the server's
/// ``ErrorBody`` turned into a ``SyncError`` with its code, message and status) but sends
/// each request once: an action such as a password reset must not be repeated behind the
/// user's back.
///
/// ```swift
/// let admin = AdminClient(server: "http://127.0.0.1:8080", token: token)
/// let lost = try await admin.revokeDevice("dev-3f9a2c1e")
/// print(lost.note)   // change sets after N made on that laptop are lost unless it is recovered
/// ```
public struct AdminClient: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    public var server: String
    /// A district officer's bearer token.
    public var token: String
    /// Per-request timeout.
    public var timeoutSeconds: Double = 60
    /// Sends a request and answers the response; `URLSession.shared` when nil (tests put a
    /// server of their own here).
    public var transport: (@Sendable (URLRequest) async throws -> (Data, URLResponse))?

    public init(server: String, token: String) {
        self.server = server; self.token = token
    }

    // MARK: devices

    /// The devices of the users within the officer's jurisdiction, by id.
    public func devices() async throws -> [DeviceSummary] {
        try await send(DeviceList.self, "GET", "/v1/admin/devices").devices
    }

    /// A lost laptop: its tokens die at once and it can no longer log in. The answer says
    /// what the server last received from it.
    public func revokeDevice(_ device: String) async throws -> DeviceRevokeResponse {
        try await send(DeviceRevokeResponse.self, "POST", "/v1/admin/devices/\(Self.segment(device))/revoke")
    }

    /// Gives a device to another user (or back to its own, once recovered); the other users'
    /// tokens on it die.
    public func assignDevice(_ device: String, to user: String) async throws -> DeviceAssignResponse {
        try await send(DeviceAssignResponse.self, "POST", "/v1/admin/devices/\(Self.segment(device))/assign", body: DeviceAssignRequest(user: user))
    }

    /// The caller's own device as the server knows it (`GET /v1/device`).
    public func ownDevice() async throws -> DeviceStatus {
        try await send(DeviceStatus.self, "GET", "/v1/device")
    }

    /// Replaces the caller's own account password (`POST /v1/password`, any token: also one
    /// got with a one-time password, which this unlocks). The account's other tokens die.
    ///
    /// - Returns: how many other tokens were revoked.
    public func changePassword(current: String, new: String) async throws -> Int {
        try await send(PasswordChange.Response.self, "POST", "/v1/password", body: PasswordChange(currentPassword: current, newPassword: new))
            .revokedTokens
    }

    /// `POST /v1/password`'s body and answer (the server's `PasswordChangeRequest`/`Response`).
    struct PasswordChange: Encodable {
        var currentPassword: String
        var newPassword: String
        struct Response: Decodable { var revokedTokens: Int }
    }

    // MARK: users

    /// The users within the officer's jurisdiction, by name.
    public func users() async throws -> [UserSummary] {
        try await send(UserList.self, "GET", "/v1/admin/users").users
    }

    /// Disables a user (their tokens die; they cannot log in) or enables them again.
    public func setDisabled(_ user: String, _ disabled: Bool) async throws -> UserAdminResponse {
        try await send(UserAdminResponse.self, "POST", "/v1/admin/users/\(Self.segment(user))/\(disabled ? "disable" : "enable")")
    }

    /// Lifts the lock of an account locked after too many failed logins.
    public func unlock(_ user: String) async throws -> UserAdminResponse {
        try await send(UserAdminResponse.self, "POST", "/v1/admin/users/\(Self.segment(user))/unlock")
    }

    /// Gives a user a one-time password, which they must replace at their next login; their tokens die.
    public func resetPassword(_ user: String) async throws -> PasswordResetResponse {
        try await send(PasswordResetResponse.self, "POST", "/v1/admin/users/\(Self.segment(user))/reset-password")
    }

    // MARK: audit log

    /// Audit events within the officer's jurisdiction, newest first; `before` pages back.
    public func audit(before: Int64? = nil, limit: Int = 200, user: String? = nil, device: String? = nil) async throws -> AuthEventList {
        var items = [URLQueryItem(name: "limit", value: "\(limit)")]
        if let before { items.append(URLQueryItem(name: "before", value: "\(before)")) }
        if let user { items.append(URLQueryItem(name: "user", value: user)) }
        if let device { items.append(URLQueryItem(name: "device", value: device)) }
        var components = URLComponents()
        components.queryItems = items
        return try await send(AuthEventList.self, "GET", "/v1/admin/audit?" + (components.percentEncodedQuery ?? ""))
    }

    // MARK: HTTP

    /// A name as one path segment (a user name may hold characters a path may not).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func send<Answer: Decodable>(_ answer: Answer.Type, _ method: String, _ path: String) async throws -> Answer {
        try await send(answer, method, path, body: Optional<DeviceAssignRequest>.none)
    }

    /// One request; a non-2xx answer is thrown as a ``SyncError`` with the server's code and message.
    func send<Body: Encodable, Answer: Decodable>(_ answer: Answer.Type, _ method: String, _ path: String, body: Body?) async throws -> Answer {
        guard let url = URL(string: server + path) else {
            throw SyncError(code: "config", message: "\(server) is not a server URL: use http://HOST:PORT")
        }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            request.httpBody = try encoder.encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await (transport ?? { try await URLSession.shared.data(for: $0) })(request)
        } catch {
            throw SyncError(code: "network", message: "cannot reach \(server): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let body = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw SyncError(code: body?.code ?? "http-\(status)", message: body?.message ?? "HTTP \(status) from \(path)", status: status)
        }
        do { return try JSONDecoder().decode(Answer.self, from: data) } catch {
            throw SyncError(code: "protocol", message: "the server's answer to \(path) cannot be read (is it a Doudi server of this version?): \(error)")
        }
    }
}
