import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// What every `doudi admin` command needs: the store of a district officer, logged in.
struct AdminOptions: ParsableArguments {
    @OptionGroup(title: "Store")
    var storeOptions: StoreOptions

    /// A client on the store's server, with its login token.
    ///
    /// - Throws: ``CommandFailure`` when the store is not a district officer's or has not logged in.
    func client() throws -> AdminClient {
        let store = try storeOptions.open()
        let device = try store.device()
        guard device.role == .districtOfficer else {
            throw CommandFailure(chinese: "无权进行此操作：仅限区民政局", "doudi admin is for the district civil-affairs bureau (区民政局): this store is set up for a \(device.role.chineseName) (\(device.role.rawValue)); run it on a district officer's store")
        }
        guard let state = try store.syncState(), let token = try store.loginToken() else {
            throw CommandFailure(chinese: "本地数据库尚未登录服务器", "this store has not logged in to a server: run `doudi login --server URL --user \(device.user)` first")
        }
        return AdminClient(server: state.server, token: token)
    }
}

/// A refusal of the server, as one line that says what to do.
enum AdminFailure {
    static func message(_ error: SyncError) -> String {
        switch error.code {
        case "unauthenticated", "token-expired", "token-revoked":
            return "the server no longer accepts this store's login (\(error.code)): log in again with `doudi login --server URL --user NAME`"
        case "authority":
            return "only a district officer (区民政局经办人) may do this: \(error.message)"
        case "password-change-required":
            return "\(error.message) — then run doudi admin again"
        case "network", "config":
            return "\(error.message): check the network and that the server is running, then try again"
        default:
            let status = error.status.map { "HTTP \($0), " } ?? ""
            return "refused by the server (\(status)\(error.code)): \(error.message)"
        }
    }
}

extension AsyncParsableCommand {
    /// Runs an admin command's body: any error is one line on standard error and exit status 1.
    func reportingAdminFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SyncError {
            throw CommandFailure.report([CommandFailure(AdminFailure.message(error))])
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CommandFailure.report([error])
        }
    }
}

/// Seconds since 1970 as the admin listings print them.
enum AdminText {
    static func time(_ seconds: Int64?) -> String {
        seconds.map { Labels.time(Date(timeIntervalSince1970: TimeInterval($0))) } ?? "—"
    }
}
