/// The version of the sync protocol this code speaks and writes (see `Protocol/SPEC.md` §4).
///
/// Version 2 differs from version 1 only in the pull page: a record version carries one stamp
/// and the fields whose stamps differ (``RecordVersion/compactJSONValue``) instead of a stamp per
/// field. Change sets and every request body have the same form in both.
public let protocolVersion = 2

/// The versions this code reads in change sets, request bodies and bundle payloads: a change set
/// a laptop made under version 1 (still in its outbox when doudi was updated) is read as before.
public let readableProtocolVersions: ClosedRange<Int> = 1...protocolVersion

/// The messages every side gives for a version it does not speak (one wording everywhere).
public enum ProtocolVersionText {
    /// Whether a version read from a message is one this code reads.
    public static func isReadable(_ version: Int64) -> Bool {
        Int(exactly: version).map(readableProtocolVersions.contains) ?? false
    }

    /// "protocol version N is not spoken here …", with what to do: a newer version means this
    /// side is the old one.
    public static func notSpoken(_ version: some BinaryInteger, oldest: Int = readableProtocolVersions.lowerBound) -> String {
        let spoken = oldest == protocolVersion ? "\(protocolVersion)" : "\(oldest)…\(protocolVersion)"
        if version > protocolVersion {
            return "protocol version \(version) is newer than this side speaks (\(spoken)): update this server or doudi to the newer version"
        }
        return "protocol version \(version) is not spoken here any more (this side speaks \(spoken)): update doudi"
    }

    /// A message that names no version.
    public static let missing = "the message has no protocolVersion: this side speaks protocol \(protocolVersion); update doudi"
}
