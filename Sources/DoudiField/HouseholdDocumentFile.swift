import DoudiModel
import Foundation

/// A household document on disk: one ``HouseholdCase`` as JSON.
///
/// The format is described in `docs/HOUSEHOLD-DOCUMENT.md`; examples ship in
/// `Samples/households/`.
///
/// ```swift
/// let householdCase = try HouseholdDocumentFile.load("Samples/households/01-dibao-ordinary.json")
/// ```
public enum HouseholdDocumentFile {
    /// Reads and validates a household document.
    ///
    /// - Parameter path: the file, as the user named it; error messages repeat it.
    /// - Returns: the validated household case.
    /// - Throws: ``DocumentError`` naming the file, the field and the problem: a missing
    ///   or unreadable file, malformed JSON, a missing or mistyped field, an invalid
    ///   resident ID number, or a reference to an unknown member.
    public static func load(_ path: String) throws(DocumentError) -> HouseholdCase {
        try HouseholdCase.load(json: DocumentFile.read(path), document: path)
    }
}
