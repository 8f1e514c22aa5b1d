import ArgumentParser
import DoudiConsole
import DoudiModel
import DoudiServer
import Foundation
import Logging

/// `doudi-server [serve]`: runs the service until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service (the default): the API under /v1 and the web console under /console; prints `doudi-server listening on HOST:PORT` once bound."
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .long, help: "Listen on this port instead of the configured one (0 = any free port).")
    var port: Int?

    @Option(name: .long, help: "Log format: json (one object per line) or text.")
    var logFormat: LogFormat = .json

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case json, text }

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0–65535") }
    }

    func run() async throws {
        var configuration = try options.load()
        if let port { configuration.http.port = port }
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
            try await runServer(configuration: configuration, logger: logger, extensions: [WebConsole(configuration: configuration)]) { host, port in
                // unbuffered, so a parent process reading the pipe sees it at once
                FileHandle.standardOutput.write(Data("doudi-server listening on \(host):\(port)\n".utf8))
            }
        } catch let error as DocumentError {
            throw ValidationError(error.description)
        }
    }
}
