// doudi-server: the central Doudi service (Hummingbird, embedded SQLite store).
//
//   doudi-server [serve] --config ServerConfig/server.json [--port 0] [--database PATH | postgres://USER@HOST:PORT/DB]
//   doudi-server admin unlock USER | reset-password USER [--config …] [--database …]
//
// `serve` (the default) prints `doudi-server listening on HOST:PORT` once bound (the real
// port when 0 was asked), logs one JSON object per line on standard error, and stops
// gracefully on SIGINT or SIGTERM. `admin` repairs an account on the configured database
// when nobody who could do it over the API can log in. See docs/SERVER.md.
import ArgumentParser
import DoudiModel

@main
struct DoudiServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doudi-server",
        abstract: "Run the central Doudi service: login, scoped push and pull, conflicts.",
        discussion: "Relative paths inside the configuration file are taken relative to its folder; --database is taken relative to the current directory. See docs/SERVER.md.",
        version: DoudiVersion.text,
        subcommands: [ServeCommand.self, AdminCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
