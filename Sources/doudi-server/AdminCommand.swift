import ArgumentParser
import DoudiServer
import Foundation
import Logging

/// `doudi-server admin unlock|reset-password USER`: account repairs on the configured
/// database, for when nobody who could make them over the API can log in.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Repair an account on the server machine when nobody can log in to do it (the district officer's own account).",
        discussion: """
            Everything else is done over the API by a district officer: `doudi admin …` on the district's laptop. \
            These commands open the configured database directly (SQLite or PostgreSQL; the server may be running) \
            and write what they did to the audit log as `doudi-server admin`.
            """,
        subcommands: [AdminUnlockCommand.self, AdminResetPasswordCommand.self]
    )
}

/// `doudi-server admin unlock USER`
struct AdminUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Lift the lock of an account locked after too many failed logins, and forget its failures."
    )

    @Argument(help: "The account name, e.g. district.officer.")
    var user: String

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let admin = try await AdminSupport.open(options)
        do {
            let wasLocked = try await admin.unlock(user)
            await admin.close()
            print(wasLocked ? "unlocked \(user): it may log in again" : "\(user) was not locked; its failed logins are forgotten")
        } catch {
            await admin.close()
            throw AdminSupport.failure(error)
        }
    }
}

/// `doudi-server admin reset-password USER`
struct AdminResetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password",
        abstract: "Give an account a one-time password (printed once), lift its lock, enable it and revoke its tokens.",
        discussion: "The user logs in with the one-time password and must set their own (POST /v1/password) before anything else."
    )

    @Argument(help: "The account name, e.g. district.officer.")
    var user: String

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let admin = try await AdminSupport.open(options)
        do {
            let reset = try await admin.resetPassword(of: user)
            await admin.close()
            print("one-time password for \(reset.user): \(reset.oneTimePassword)")
            print("give it to the user in person; they must set a password of their own at their next login (\(reset.revokedTokens) tokens revoked)")
        } catch {
            await admin.close()
            throw AdminSupport.failure(error)
        }
    }
}

enum AdminSupport {
    static func open(_ options: ConfigurationOptions) async throws -> OfflineAdmin {
        let configuration = try options.load()
        var logger = Logger(label: "doudi-server-admin") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        do { return try await OfflineAdmin.open(configuration: configuration, logger: logger) } catch { throw failure(error) }
    }

    /// A store's refusal as one line on standard error (`doudi-server: error: …`), exit status 1.
    static func failure(_ error: any Error) -> any Error {
        guard let error = error as? ServerError else { return error }
        FileHandle.standardError.write(Data("doudi-server: error: \(error.message)\n".utf8))
        return ExitCode.failure
    }
}
