import DoudiField
import DoudiServer
import Foundation
import Hummingbird

/// The towns' and the district's web console, served by `doudi-server` under `/console`
/// (`docs/CONSOLE.md`): server-rendered pages in Chinese, no script, no outside asset.
///
/// ```swift
/// try await runServer(configuration: configuration, extensions: [WebConsole(configuration: configuration)])
/// ```
///
/// Each user works through their own working copy of their scope (``WorkingCopies``): the
/// same field library a town's laptop runs, synced with this server's API over loopback, so
/// every step taken in the console is a change set through the sync engine.
public struct WebConsole: ServerExtension {
    let sessions: ConsoleSessions
    let settings: ConsoleSettings

    /// The console as `configuration.console` sets it up (its working copies in
    /// ``ServerConfiguration/consoleDirectory``).
    public init(configuration: ServerConfiguration) {
        let console = configuration.console
        sessions = ConsoleSessions(idleSeconds: console.idleSeconds, lifetimeSeconds: console.lifetimeSeconds)
        settings = ConsoleSettings(enabled: console.enabled, directory: configuration.consoleDirectory, secureCookie: console.secureCookie,
                                   banks: Self.banks(configuration),
                                   timeZone: TimeZone(identifier: console.timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600)!)
    }

    /// The banks' layouts: `console.banks` beside the configuration, else where `doudi` looks
    /// (the repository's `ServerConfig/banks`, the installed `/usr/share/doudi/banks`).
    static func banks(_ configuration: ServerConfiguration) -> String {
        let configured = configuration.resolve(configuration.console.banks)
        if FileManager.default.fileExists(atPath: configured) { return configured }
        return BankFormatDirectory.defaultPath() ?? configured
    }

    struct ConsoleSettings: Sendable {
        var enabled: Bool
        var directory: String
        var secureCookie: Bool
        /// The folder of the banks' batch layouts.
        var banks: String
        var timeZone: TimeZone
    }

    /// The working copies, made when the routes are (they need the server's loopback key).
    private let copiesBox = CopiesBox()

    public func addRoutes(to router: Router<DoudiRequestContext>, server: ServerContext) {
        guard settings.enabled else { return }
        let copies = WorkingCopies(directory: settings.directory, loopback: server.loopback)
        copiesBox.set(copies)
        ConsoleController(sessions: sessions, copies: copies, pages: ConsolePages(), secureCookie: settings.secureCookie, banks: settings.banks,
                          timeZone: settings.timeZone, clientAddress: { server.clientAddress($0, $1) },
                          now: { Int64(Date().timeIntervalSince1970) }).addRoutes(to: router)
    }

    public func serverRunning(host: String, port: Int) async {
        await copiesBox.get()?.serverRunning(host: host, port: port)
    }
}

/// Holds the working copies between building the routes and the server's start.
final class CopiesBox: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var copies: WorkingCopies?
    func set(_ value: WorkingCopies) { lock.withLock { copies = value } }
    func get() -> WorkingCopies? { lock.withLock { copies } }
}
