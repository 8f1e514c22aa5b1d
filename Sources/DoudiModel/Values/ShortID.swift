import Foundation

extension UUID {
    /// The short id listings show and commands take: the first eight hex digits, lower case
    /// (`3f9a2c1e`). A command that takes one resolves it to the whole id, refusing one that
    /// matches several records.
    public var shortID: String { String(uuidString.prefix(8)).lowercased() }
}
