import DoudiField
import DoudiModel
import Foundation
import HTTPTypes

/// Why the console refused a request or an action, said to the person at the browser:
/// Chinese first, the detail after it, and the HTTP status the page is served with.
struct ConsoleError: Error, CustomStringConvertible {
    enum Kind: Sendable {
        /// 400: a form field is wrong; ``field`` names it.
        case badInput
        /// 401: not signed in, or the session ended.
        case unauthenticated
        /// 403: outside the user's jurisdiction or role, or a form without its token.
        case forbidden
        /// 404: no such page or record in the user's scope.
        case notFound
        /// 409: the step cannot be taken now (the workflow, the reserve fund …).
        case refused
        /// 503: the server's own API could not be reached.
        case unavailable
    }

    var kind: Kind
    var message: String
    /// The form field at fault, when there is one.
    var field: String?

    init(_ kind: Kind, field: String? = nil, _ message: String) {
        self.kind = kind; self.field = field; self.message = message
    }

    var description: String { message }

    var status: HTTPResponse.Status {
        switch kind {
        case .badInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .refused: .conflict
        case .unavailable: .serviceUnavailable
        }
    }

    /// The server's refusal of a login, in Chinese with its detail.
    static func login(_ error: SyncError) -> ConsoleError {
        switch error.code {
        case "login-failed", "unauthenticated":
            ConsoleError(.unauthenticated, "用户名或密码错误 wrong user name or password")
        case "account-disabled":
            ConsoleError(.forbidden, "账号已停用 this account is disabled: ask the district civil-affairs bureau")
        case "login-throttled":
            ConsoleError(.forbidden, "登录失败次数过多，请稍后再试 too many failed logins: \(error.message)")
        case "account-locked":
            ConsoleError(.forbidden, "账号已锁定 this account is locked: \(error.message)")
        case "network":
            ConsoleError(.unavailable, "服务器暂时无法访问 the server's API cannot be reached: \(error.message)")
        default:
            ConsoleError(error.status == 401 ? .unauthenticated : .forbidden, "登录被拒绝 login refused: \(error.message)")
        }
    }

    /// A field library refusal of an action (validation, workflow, authority …).
    static func action(_ error: any Error) -> ConsoleError {
        if let e = error as? ConsoleError { return e }
        if let e = error as? FieldError {
            let kind: Kind = switch e.code {
            case .validation: .badInput
            case .forbidden: .forbidden
            case .notFound: .notFound
            default: .refused
            }
            return ConsoleError(kind, field: e.field, [e.code.chineseName, e.message].compactMap { $0 }.joined(separator: "："))
        }
        if let e = error as? ModelError { return ConsoleError(.badInput, field: e.field, "输入有误：\(e.message)") }
        if let e = error as? SyncError { return server(e) }
        return ConsoleError(.refused, "\(error)")
    }

    /// The server's answer to a request the console made for the user (a sync, the admin
    /// API): a refusal keeps its reason and status; only a server that did not answer is 503.
    static func server(_ error: SyncError) -> ConsoleError {
        let detail = "\(error.message)（\(error.code)）"
        return switch error.status {
        case 400, 422: ConsoleError(.badInput, "服务器认为输入有误 the server refused the input: \(detail)")
        case 401: ConsoleError(.unauthenticated, "您的登录已失效，请重新登录 your sign-in is no longer valid: \(detail)")
        case 403: ConsoleError(.forbidden, "服务器拒绝：无此权限 the server refused (no authority): \(detail)")
        case 404: ConsoleError(.notFound, "服务器上没有 not found on the server: \(detail)")
        case 409: ConsoleError(.refused, "服务器拒绝 the server refused: \(detail)")
        case nil: ConsoleError(.unavailable, "服务器暂时无法访问 the server cannot be reached: \(detail)")
        default: ConsoleError(.unavailable, "服务器出错 the server failed: \(detail)")
        }
    }
}
