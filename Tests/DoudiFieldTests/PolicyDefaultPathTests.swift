import Foundation
import Testing
@testable import DoudiField

/// Where the policy comes from when none was named: the checkout's `ServerConfig/policy`, else the
/// copy the Debian package installs (`/usr/share/doudi/policy`), so that `doudi init` works on a
/// laptop with the package and no repository.
@Suite("The default policy path: the repository's, else the installed one")
struct PolicyDefaultPathTests {
    private func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-policy-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("the repository's directory wins when it exists")
    func repositoryFirst() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = dir.appendingPathComponent("ServerConfig/policy").path
        let installed = dir.appendingPathComponent("usr/share/doudi/policy").path
        for path in [repository, installed] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        #expect(PolicyDirectory.defaultPath(repository: repository, installed: installed) == repository)
    }

    @Test("outside a repository the installed directory is used, and nothing when neither exists")
    func installedFallback() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = dir.appendingPathComponent("ServerConfig/policy").path
        let installed = dir.appendingPathComponent("usr/share/doudi/policy").path
        #expect(PolicyDirectory.defaultPath(repository: repository, installed: installed) == nil)
        try FileManager.default.createDirectory(atPath: installed, withIntermediateDirectories: true)
        #expect(PolicyDirectory.defaultPath(repository: repository, installed: installed) == installed)
    }

    @Test("the installed path is where packaging/ puts the policy files")
    func installedPath() {
        #expect(PolicyDirectory.installedPath == "/usr/share/doudi/policy")
    }
}
