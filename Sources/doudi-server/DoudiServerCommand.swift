// doudi-server: the central Doudi service (Hummingbird, embedded SQLite store).
//
//   doudi-server --config ServerConfig/server.json [--port 0] [--database PATH | postgres://USER@HOST:PORT/DB]
//
// Prints `doudi-server listening on HOST:PORT` once bound (the real port when 0 was
// asked), logs one JSON object per line on standard error, and stops gracefully on
// SIGINT or SIGTERM. See docs/SERVER.md.
import ArgumentParser
import DoudiModel
import DoudiServer
import Foundation
import Logging

@main
struct DoudiServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doudi-server",
        abstract: "Run the central Doudi service: login, scoped push and pull, conflicts.",
        discussion: "Relative paths inside the configuration file are taken relative to its folder; --database is taken relative to the current directory. See docs/SERVER.md."
    )

    @Option(name: .long, help: "The server configuration file.")
    var config: String = "ServerConfig/server.json"

    @Option(name: .long, help: "Listen on this port instead of the configured one (0 = any free port).")
    var port: Int?

    @Option(name: .long, help: "Use this database instead of the configured one: a SQLite file, :memory:, or postgres://USER@HOST:PORT/DB.")
    var database: String?

    @Option(name: .long, help: "Log format: json (one object per line) or text.")
    var logFormat: LogFormat = .json

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case json, text }

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0–65535") }
        if let database, database.isEmpty { throw ValidationError("--database must name a file or :memory:") }
    }

    func run() async throws {
        var configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: config) } catch { throw ValidationError(error.description) }
        if let port { configuration.http.port = port }
        if let database {
            configuration.database.path = database == ":memory:" || database.hasPrefix("/") || PostgresConnectionURL.isPostgres(database) ? database
                : URL(fileURLWithPath: database, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
        let format = logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .json: JSONLogHandler(label: label)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        var logger = Logger(label: "doudi-server")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        do {
            try await runServer(configuration: configuration, logger: logger) { host, port in
                // unbuffered, so a parent process reading the pipe sees it at once
                FileHandle.standardOutput.write(Data("doudi-server listening on \(host):\(port)\n".utf8))
            }
        } catch let error as DocumentError {
            throw ValidationError(error.description)
        }
    }
}
