import ArgumentParser
import DoudiField
import DoudiModel
import Foundation

/// `--store`: the laptop's local store (one SQLite file), shared by every command
/// that reads or writes records.
///
/// `--store PATH` names the file; without it the store is `$DOUDI_HOME/doudi.sqlite`.
/// `doudi init` creates and sets up the store; every other command needs one that
/// has been set up.
struct StoreOptions: ParsableArguments {
    /// The environment variable naming the directory that holds the store.
    static let environmentVariable = "DOUDI_HOME"
    /// The store's file name inside `$DOUDI_HOME`.
    static let fileName = "doudi.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "本地数据库 The store: a .sqlite file.",
            discussion: "Default: $\(StoreOptions.environmentVariable)/\(StoreOptions.fileName). Set it up with `doudi init`.",
            valueName: "path"))
    var store: String?

    /// True when the user chose a store, by option or environment.
    func isConfigured(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        store != nil || !(environment[Self.environmentVariable] ?? "").isEmpty
    }

    /// The store file: `--store`, else `$DOUDI_HOME/doudi.sqlite`.
    ///
    /// - Throws: ``CommandFailure`` saying what to pass when neither is given.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let store {
            guard !store.isEmpty else { throw CommandFailure("--store is empty: give the path of the store file, e.g. --store ~/doudi/doudi.sqlite") }
            return store
        }
        if let home = environment[Self.environmentVariable], !home.isEmpty {
            return (home as NSString).appendingPathComponent(Self.fileName)
        }
        throw CommandFailure(
            "no store chosen: pass --store PATH (a .sqlite file) or set \(Self.environmentVariable) to a directory (the store is $\(Self.environmentVariable)/\(Self.fileName))")
    }

    /// Opens a store that `doudi init` has set up, unlocked if its key is kept from an earlier
    /// unlock or `$DOUDI_PASSWORD` unlocks it (``StoreLock``); else locked.
    ///
    /// - Throws: ``CommandFailure`` when there is no store there yet, it cannot be
    ///   opened, or it has not been set up.
    ///
    /// - Parameter passwordFromEnvironment: whether `$DOUDI_PASSWORD` may unlock it (not for
    ///   `doudi login`, where it is the account's password, perhaps a new one).
    func open(passwordFromEnvironment: Bool = true) throws -> FieldStore {
        try StoreLock.unlockedIfPossible(try openLocked(), passwordFromEnvironment: passwordFromEnvironment)
    }

    /// Opens a store that `doudi init` has set up, locked.
    ///
    /// - Throws: ``CommandFailure`` when there is no store there yet, it cannot be
    ///   opened, or it has not been set up.
    func openLocked() throws -> FieldStore {
        let path = try resolvedPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(chinese: "找不到本地数据库", "no store at \(path): set one up first with `doudi init --server URL --user NAME` (or offline: `doudi init --village CODE --device NAME --user NAME`)")
        }
        guard !isDirectory.boolValue else {
            throw CommandFailure("\(path) is a directory: --store names the store file (e.g. \(path)/\(Self.fileName)), $\(Self.environmentVariable) the directory")
        }
        let store = try Self.open(path)
        _ = try store.device()  // not set up: says to run `doudi init`
        return store
    }

    /// Opens (creating) the file at `path`; what opening it changed (a file made owner-only,
    /// the token moved out of the store) is said on standard error.
    static func open(_ path: String) throws -> FieldStore {
        do {
            let database = try FieldDatabase.open(path: path)
            for note in database.notes { StandardError.writeLine("doudi: note: \(note)") }
            return FieldStore(database: database)
        } catch {
            if let explained = StoreProblem.explain(error) {
                throw CommandFailure(chinese: StoreProblem.chinese(error) ?? "无法打开本地数据库", "\(path): \(explained)")
            }
            throw CommandFailure(chinese: "无法打开本地数据库", "\(path) cannot be opened as a Doudi store (\(CommandFailure.oneLine(error))): check the path (--store or $DOUDI_HOME)")
        }
    }
}
