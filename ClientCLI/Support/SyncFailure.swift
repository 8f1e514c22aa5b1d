import ArgumentParser
import DoudiField
import Foundation

/// Turning a ``SyncError`` into one line that says what happened and what to do.
///
/// A sync that fails keeps what it already did: change sets the server acknowledged
/// are marked, pulled pages are applied with their cursor. So the advice is nearly
/// always "fix this, then sync again".
enum SyncFailure {
    /// The failure to throw: the Chinese for its code, then ``message(_:server:)``.
    static func failure(_ error: SyncError, server: String?) -> CommandFailure {
        let english = message(error, server: server)
        guard let chinese = chinese(error.code) else { return CommandFailure(english) }
        return CommandFailure(chinese: chinese, english)
    }

    /// What a failed login or sync means, in Chinese, by the server's (or the client's) code.
    static func chinese(_ code: String) -> String? {
        switch code {
        case "not-logged-in": "本地数据库尚未登录服务器"
        case "unauthenticated", "token-expired", "token-revoked": "登录已失效，请重新登录"
        case "login-failed": "登录失败：用户名或密码错误"
        case "network": "无法连接服务器"
        case "protocol-version": "服务器的同步协议版本不同，请升级 doudi"
        case "scope": "账号与本地数据库不符"
        case "account-locked": "账号已锁定"
        case "account-disabled": "账号已停用"
        case "login-throttled": "登录失败次数过多，请稍后再试"
        case "device-assigned": "本设备属于另一用户"
        case "device-revoked": "本设备已被区民政局停用"
        case "password-change-required", "must-change-password": "请先修改密码（doudi account-password）"
        case "authority", "forbidden": "无权进行此操作"
        case "not-found": "服务器上找不到"
        case "device-key": "该设备的数据包密钥未在服务器登记"
        case "bundle-malformed", "bundle-version": "数据包无法读取"
        case "bundle-signature": "数据包校验失败（已损坏、被篡改或密钥不符）"
        case "bundle-recipient": "数据包不是发给本服务器的"
        case "bundle-stale": "该设备已有更新的数据包被处理，此包不再处理"
        case "config": nil
        default: "同步中断"
        }
    }

    /// The failure of `doudi bundle upload`: what the server said about the bundle, and what
    /// to do — uploading the same file again is always safe (nothing is applied twice).
    static func uploadFailure(_ error: SyncError, server: String?) -> CommandFailure {
        let english: String
        switch error.code {
        case "network":
            english = "\(error.message) (tried several times): check the network, then upload the same file again — that is safe, nothing is applied twice"
        case "bundle-malformed", "bundle-signature":
            english = "\(error.message) — copy the file from the village laptop again, or export a new bundle there (its change sets stay waiting until answered)"
        case "bundle-recipient":
            english = "\(error.message) — the village laptop logged in to another server: upload it there"
        case "bundle-stale", "device-key", "device-revoked", "account-disabled", "not-found", "bundle-version":
            english = error.message
        case "unauthenticated", "token-expired", "token-revoked", "not-logged-in", "config":
            return failure(error, server: server)
        default:
            let status = error.status.map { "HTTP \($0), " } ?? ""
            english = "the upload stopped (\(status)\(error.code)): \(error.message); upload the same file again — that is safe, nothing is applied twice"
        }
        guard let chinese = chinese(error.code) else { return CommandFailure(english) }
        return CommandFailure(chinese: chinese, english)
    }

    /// The one-line message for a failed login or sync.
    static func message(_ error: SyncError, server: String?) -> String {
        let place = server.map { " \($0)" } ?? ""
        switch error.code {
        case "not-logged-in":
            return "this store has not logged in to a server: run `doudi login --server URL --user NAME` first"
        case "unauthenticated", "token-expired", "token-revoked":
            return "the server\(place) no longer accepts this store's login (\(error.code): \(error.message)): log in again with `doudi login --server URL --user NAME`, then `doudi sync`"
        case "login-failed":
            return "login refused by\(place.isEmpty ? " the server" : place): \(error.message): check --user and the password"
        case "network":
            return "\(error.message) (tried several times, waiting longer each time): check the network and that the server is running, then run `doudi sync` again; nothing already synced is lost"
        case "protocol-version":
            return "the server\(place) speaks another sync protocol (\(error.message)): upgrade doudi"
        case "config":
            return error.message
        case "scope":
            return error.message
        default:
            let status = error.status.map { "HTTP \($0), " } ?? ""
            return "the sync with\(place.isEmpty ? " the server" : place) stopped (\(status)\(error.code)): \(error.message); run `doudi sync` again: what was already synced is kept"
        }
    }
}

extension AsyncParsableCommand {
    /// Like ``ParsableCommand/reportingFailures(_:)`` for a body that awaits: any error is
    /// one line on standard error and exit status 1; a ``SyncError`` says what to do.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let exit as CleanExit {
            throw exit
        } catch let error as SyncError {
            throw CommandFailure.report([SyncFailure.failure(error, server: nil)])
        } catch {
            throw CommandFailure.report([error])
        }
    }
}
