import ArgumentParser
import DoudiModel
import DoudiServer
import Foundation

/// `--config` and `--database`: which configuration, and which store, a command works on.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The server configuration file.")
    var config: String = "ServerConfig/server.json"

    @Option(name: .long, help: "Use this database instead of the configured one: a SQLite file, :memory:, or postgres://USER@HOST:PORT/DB.")
    var database: String?

    func validate() throws {
        if let database, database.isEmpty { throw ValidationError("--database must name a file or :memory:") }
    }

    /// The configuration file with `--database` laid over it.
    ///
    /// - Throws: `ValidationError` naming the file and field at fault.
    func load() throws -> ServerConfiguration {
        var configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: config) } catch { throw ValidationError(error.description) }
        if let database {
            configuration.database.path = database == ":memory:" || database.hasPrefix("/") || PostgresConnectionURL.isPostgres(database) ? database
                : URL(fileURLWithPath: database, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
        return configuration
    }
}
