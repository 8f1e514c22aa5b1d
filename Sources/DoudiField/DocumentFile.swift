import DoudiModel
import Foundation

/// Reads the bytes of a document file, translating every I/O failure into a
/// one-line ``DocumentError`` that names the file and says what to do.
public enum DocumentFile {
    /// The file's contents.
    ///
    /// - Parameter path: the path as the user gave it; errors repeat it as given.
    /// - Throws: ``DocumentError`` when the file is missing, a directory, or unreadable.
    public static func read(_ path: String) throws(DocumentError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError(document: path, field: "", message: "no such file: check the path")
        }
        guard !isDirectory.boolValue else {
            throw DocumentError(document: path, field: "", message: "is a directory, not a JSON document")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(document: path, field: "", message: "cannot be read: check its permissions")
        }
        return data
    }
}
