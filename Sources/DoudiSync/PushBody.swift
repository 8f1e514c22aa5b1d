import Foundation

/// A `POST /v1/push` body as the server reads it (Protocol/SPEC.md §8.1–8.2): the whole
/// request's checks, then each change set read on its own, so that one change set that cannot
/// be read is rejected alone and the rest of the push goes on.
///
/// Read with ``JSONValue/parse(_:limits:)`` and ``ChangeSet/init(reading:)``, never `Codable`:
/// one parser, one set of limits (§3.5). JSON that Doudi's values cannot hold inside one change
/// set (a number with a fraction or beyond 64 bits, a member given twice) makes that change set
/// unreadable, not the push; anywhere else, the push is refused.
///
/// ```swift
/// let body = try PushBody.read(data)
/// for entry in body.changeSets { … }
/// ```
public struct PushBody: Hashable, Sendable {
    /// One element of `changeSets`.
    public enum Entry: Hashable, Sendable {
        case readable(ChangeSet)
        /// Cannot be read; `id` when at least that could be, so it can be acknowledged, and
        /// `protocolVersion` when that could (another version is answered `protocol-version`).
        case unreadable(id: UUID?, protocolVersion: Int?, problem: String)
    }

    /// The body's `protocolVersion`: one of ``readableProtocolVersions`` once read (the server
    /// then checks it against the oldest version it still answers).
    public var protocolVersion: Int
    /// The change sets in the order sent.
    public var changeSets: [Entry]

    public init(protocolVersion: Int, changeSets: [Entry]) {
        self.protocolVersion = protocolVersion
        self.changeSets = changeSets
    }

    /// Reads a push body.
    ///
    /// - Parameters:
    ///   - data: the body as received (decompressed).
    ///   - limits: ``JSONLimits/standard`` unless a test asks for others.
    /// - Throws: ``PushBodyError`` when the push must be refused whole: not JSON, too large,
    ///   another protocol version, not a `PushRequest`.
    public static func read(_ data: Data, limits: JSONLimits = .standard) throws(PushBodyError) -> PushBody {
        guard data.count <= limits.documentBytes else {
            throw PushBodyError(.tooLarge, "the push body is \(data.count) bytes; Doudi reads at most \(limits.documentBytes) bytes of JSON at once: push fewer change sets at a time")
        }
        let root: JSONValue
        do throws(JSONParseError) {
            root = try JSONValue.parse(data, limits: limits)
        } catch let error where error.kind == .unsupported {
            return try readIsolating(data, limits: limits, first: error)
        } catch {
            throw PushBodyError(parsing: error)
        }
        let (version, items) = try changeSets(of: root)
        return PushBody(protocolVersion: version, changeSets: items.map { entry($0, problem: nil) })
    }

    /// The body is JSON, but something in it Doudi's values cannot hold: the change sets that
    /// hold such a thing are unreadable on their own; anywhere else it refuses the push.
    private static func readIsolating(_ data: Data, limits: JSONLimits, first: JSONParseError) throws(PushBodyError) -> PushBody {
        let reading: (value: JSONValue, problems: [JSONParseError], spans: [Range<Int>])
        do throws(JSONParseError) {
            reading = try JSONValue.readLeniently(data, limits: limits, spansOf: "changeSets")
        } catch {
            throw PushBodyError(parsing: error)
        }
        // beyond the listed problems one could pass unseen (read as null): refuse rather than guess
        guard reading.problems.count < JSONParser.maxProblems else { throw PushBodyError(parsing: first) }
        var problems = Array(repeating: JSONParseError?.none, count: reading.spans.count)
        for problem in reading.problems {
            // the spans are in order: the last one that starts at or before the problem
            var low = 0, high = reading.spans.count
            while low < high {
                let mid = (low + high) / 2
                if reading.spans[mid].lowerBound <= problem.offset { low = mid + 1 } else { high = mid }
            }
            guard low > 0, reading.spans[low - 1].contains(problem.offset) else { throw PushBodyError(parsing: problem) }
            if problems[low - 1] == nil { problems[low - 1] = problem }
        }
        let (version, items) = try changeSets(of: reading.value)
        guard items.count == reading.spans.count else { throw PushBodyError(parsing: first) }
        var entries: [Entry] = []
        entries.reserveCapacity(items.count)
        for (item, problem) in zip(items, problems) { entries.append(entry(item, problem: problem)) }
        return PushBody(protocolVersion: version, changeSets: entries)
    }

    /// The body's change sets, after its own checks (§8.1).
    private static func changeSets(of root: JSONValue) throws(PushBodyError) -> (version: Int, items: [JSONValue]) {
        let declared: Int
        guard case .object(let o) = root else {
            throw PushBodyError(.malformed, "the body must be a JSON object {\"protocolVersion\": 2, \"changeSets\": […]}")
        }
        switch o["protocolVersion"] {
        case nil, .null?:
            throw PushBodyError(.protocolVersion, ProtocolVersionText.missing)
        case .int(let version)?:
            guard ProtocolVersionText.isReadable(version) else { throw PushBodyError(.protocolVersion, ProtocolVersionText.notSpoken(version)) }
            declared = Int(version)
        case _?:
            throw PushBodyError(.malformed, "protocolVersion must be a whole number (\(DoudiSync.protocolVersion))")
        }
        switch o["changeSets"] {
        case nil, .null?: throw PushBodyError(.malformed, "changeSets is missing: a push is {\"protocolVersion\": 2, \"changeSets\": […]}")
        case .array(let items)?: return (declared, items)
        case _?: throw PushBodyError(.malformed, "changeSets must be an array of change sets")
        }
    }

    /// One change set, read member by member, or why it cannot be.
    private static func entry(_ item: JSONValue, problem: JSONParseError?) -> Entry {
        if let problem {
            return unreadable(item, "\(problem.message) (at byte \(problem.offset) of the body)")
        }
        do throws(WireError) {
            return .readable(try ChangeSet(reading: item))
        } catch {
            return unreadable(item, error.message)
        }
    }

    private static func unreadable(_ item: JSONValue, _ problem: String) -> Entry {
        guard case .object(let o) = item else { return .unreadable(id: nil, protocolVersion: nil, problem: problem) }
        var id: UUID?
        if case .string(let text)? = o["id"] { id = UUID(uuidString: text) }
        var version: Int?
        if case .int(let v)? = o["protocolVersion"] { version = Int(exactly: v) }
        return .unreadable(id: id, protocolVersion: version, problem: problem)
    }
}

/// Why a push body is refused whole (Protocol/SPEC.md §8.1).
public struct PushBodyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Not JSON Doudi reads (400 `malformed-request`); ``PushBodyError/parseError`` says where.
        case notJSON
        /// Beyond ``JSONLimits/maxDocumentBytes`` (413 `body-too-large`).
        case tooLarge
        /// No or another `protocolVersion` (400 `protocol-version`).
        case protocolVersion
        /// JSON, but not a `PushRequest` (400 `malformed-request`).
        case malformed
    }

    public var code: Code
    /// What is wrong and what to do.
    public var message: String
    /// The parser's refusal, for ``Code/notJSON``.
    public var parseError: JSONParseError?

    public init(_ code: Code, _ message: String, parseError: JSONParseError? = nil) {
        self.code = code
        self.message = message
        self.parseError = parseError
    }

    /// A body the parser refused.
    init(parsing error: JSONParseError) {
        self.init(.notJSON, "the body is not JSON Doudi reads: \(error)", parseError: error)
    }

    public var description: String { message }
}
