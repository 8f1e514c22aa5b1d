import Foundation

/// Reading and writing bundle files for the `bundle` commands.
enum BundleFiles {
    /// The bytes of a bundle file.
    ///
    /// - Throws: ``CommandFailure`` naming the file.
    static func read(_ path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure(chinese: "无法读取数据包", "cannot read the bundle \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `data` as `name` in the folder `directory` (which must exist: a USB stick is
    /// mounted, not made), whole or not at all; answers the file's path.
    ///
    /// - Throws: ``CommandFailure`` naming the folder.
    static func write(_ data: Data, named name: String, in directory: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(chinese: "目录不存在", "\(directory) is not a folder: give the folder of the USB stick (or any folder) with --to")
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        do { try data.write(to: url, options: .atomic) } catch {
            throw CommandFailure(chinese: "无法写入数据包", "cannot write \(url.path): \(error.localizedDescription) (is the stick full or read-only?)")
        }
        return url.path
    }
}
