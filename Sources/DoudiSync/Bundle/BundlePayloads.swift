import DoudiModel
import Foundation

/// What a request bundle carries, sealed (Protocol/SPEC.md §15.4): a push body (§8.1) with the
/// laptop's device id and pull cursor beside its change sets, so the server can cut the reply
/// to what the laptop lacks.
///
/// `{"changeSets": [...], "cursor": 120, "device": "dev-…", "protocolVersion": 2}`
public struct BundleRequest: Sendable {
    public var device: String
    /// The version the laptop speaks: its reply's pages are of that version's form.
    public var protocolVersion: Int
    /// The laptop's pull cursor when it made the bundle.
    public var cursor: Int64
    /// The change sets, as a push reads them: one that cannot be read is rejected alone.
    public var changeSets: [PushBody.Entry]

    /// The payload's bytes for `changeSets` of `device` at `cursor` (canonical JSON).
    public static func payload(device: String, cursor: Int64, changeSets: [ChangeSet], protocolVersion: Int = DoudiSync.protocolVersion) -> Data {
        payload(device: device, cursor: cursor, changeSetTexts: changeSets.map(\.jsonValue.canonicalText), protocolVersion: protocolVersion)
    }

    /// The same from the change sets' canonical texts, written once by a caller that measured
    /// them (``JSONValue/canonicalText`` of ``ChangeSet/jsonValue``): members in canonical order.
    public static func payload(device: String, cursor: Int64, changeSetTexts: [String], protocolVersion: Int = DoudiSync.protocolVersion) -> Data {
        var out = Data(#"{"changeSets":["#.utf8)
        for (i, text) in changeSetTexts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: text.utf8)
        }
        out.append(contentsOf: #"],"cursor":\#(cursor),"device":\#(JSONValue.string(device).canonicalText),"protocolVersion":\#(protocolVersion)}"#.utf8)
        return out
    }

    /// Reads a request payload.
    ///
    /// - Throws: ``BundleError`` `bundle-malformed` naming what is wrong; a payload of another
    ///   protocol version is refused whole (`bundle-version`).
    public init(reading data: Data) throws(BundleError) {
        let body: PushBody
        do throws(PushBodyError) { body = try PushBody.read(data) } catch {
            throw BundleError(error.code == .protocolVersion ? .version : .malformed, "the bundle's change sets cannot be read: \(error.message)")
        }
        guard case .object(let o)? = try? JSONValue.parse(data) else { throw BundleError(.malformed, "the bundle's payload is not a JSON object") }
        guard case .string(let device)? = o["device"], !device.isEmpty else { throw BundleError(.malformed, "the bundle's payload names no device") }
        guard case .int(let cursor)? = o["cursor"], cursor >= 0 else { throw BundleError(.malformed, "the bundle's payload has no cursor (a whole number, 0 or more)") }
        self.device = device
        self.protocolVersion = body.protocolVersion
        self.cursor = cursor
        self.changeSets = body.changeSets
    }
}

/// What a reply bundle carries, sealed (Protocol/SPEC.md §15.5): the acknowledgement of every
/// change set of the request, in its order, then pull pages from the request's cursor, and the
/// district's org units.
public struct BundleReply: Sendable {
    public var device: String
    /// The request bundle answered.
    public var inReplyTo: UUID
    public var acknowledgements: [Acknowledgement]
    /// The cursor the pages start after (the request's).
    public var fromCursor: Int64
    /// The pages, in order: each starts where the one before ended.
    public var pages: [PullResponse]
    /// The cursor after the last page (``fromCursor`` when there are none).
    public var cursor: Int64
    /// More changed after ``cursor`` than one reply carries: the next bundle (or sync) brings it.
    public var hasMore: Bool
    public var orgUnits: [OrgUnit]
    /// The request's cursor was ahead of the server (restored from a backup): the pages start
    /// from 0 and the laptop takes them from there, as a sync does (§9.1).
    public var reset: Bool
    /// The version the reply speaks: that of its request (its pages are of that version's form).
    public var protocolVersion: Int

    public init(device: String, inReplyTo: UUID, acknowledgements: [Acknowledgement], fromCursor: Int64, pages: [PullResponse],
                cursor: Int64, hasMore: Bool, orgUnits: [OrgUnit], reset: Bool = false, protocolVersion: Int = DoudiSync.protocolVersion) {
        self.device = device; self.inReplyTo = inReplyTo; self.acknowledgements = acknowledgements; self.fromCursor = fromCursor
        self.pages = pages; self.cursor = cursor; self.hasMore = hasMore; self.orgUnits = orgUnits; self.reset = reset
        self.protocolVersion = protocolVersion
    }

    /// The payload's bytes, the pages as the ledger wrote them (``PullPageJSON``).
    ///
    /// - Throws: what `JSONEncoder` throws for the acknowledgements or org units.
    public static func payload(device: String, inReplyTo: UUID, acknowledgements: [Acknowledgement], fromCursor: Int64,
                               pages: [PullPageJSON], orgUnits: [OrgUnit], reset: Bool = false,
                               protocolVersion: Int = DoudiSync.protocolVersion) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data(#"{"acknowledgements":"#.utf8)
        out.append(try encoder.encode(acknowledgements))
        let cursor = pages.last?.cursor ?? fromCursor
        let hasMore = pages.last?.hasMore ?? false
        out.append(contentsOf: #","cursor":\#(cursor),"device":\#(JSONValue.string(device).canonicalText),"fromCursor":\#(fromCursor),"hasMore":\#(hasMore),"inReplyTo":"\#(inReplyTo.uuidString)","orgUnits":"#.utf8)
        out.append(try encoder.encode(orgUnits))
        out.append(contentsOf: #","pages":["#.utf8)
        for (i, page) in pages.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(page.json)
        }
        // `reset` only when true: a reply without it reads as before
        out.append(contentsOf: #"],"protocolVersion":\#(protocolVersion)\#(reset ? #","reset":true"# : "")}"#.utf8)
        return out
    }

    /// Reads a reply payload.
    ///
    /// - Throws: ``BundleError`` `bundle-malformed` naming what is wrong, `bundle-version` for
    ///   another protocol version.
    public init(reading data: Data) throws(BundleError) {
        guard case .object(let o)? = try? JSONValue.parse(data) else { throw BundleError(.malformed, "the reply's payload is not JSON Doudi reads") }
        guard case .int(let version)? = o["protocolVersion"] else { throw BundleError(.malformed, "the reply's payload has no protocolVersion") }
        guard ProtocolVersionText.isReadable(version) else { throw BundleError(.version, "the reply is of \(ProtocolVersionText.notSpoken(version))") }
        guard case .string(let device)? = o["device"], case .string(let answered)? = o["inReplyTo"], let inReplyTo = UUID(uuidString: answered),
              case .int(let fromCursor)? = o["fromCursor"], case .int(let cursor)? = o["cursor"], case .bool(let hasMore)? = o["hasMore"],
              case .array(let pages)? = o["pages"], let acks = o["acknowledgements"], let units = o["orgUnits"] else {
            throw BundleError(.malformed, "the reply's payload lacks device, inReplyTo, cursors, hasMore, pages, acknowledgements or orgUnits")
        }
        let decoder = JSONDecoder()
        let acknowledgements: [Acknowledgement], orgUnits: [OrgUnit]
        do {
            acknowledgements = try decoder.decode([Acknowledgement].self, from: Data(acks.canonicalText.utf8))
            orgUnits = try decoder.decode([OrgUnit].self, from: Data(units.canonicalText.utf8))
        } catch {
            throw BundleError(.malformed, "the reply's acknowledgements or org units cannot be read: \(error)")
        }
        var read: [PullResponse] = []
        var after = fromCursor
        for (i, page) in pages.enumerated() {
            let response: PullResponse
            do { response = try PullResponse(page: page) } catch { throw BundleError(.malformed, "the reply's page \(i + 1) cannot be read: \(error)") }
            guard response.cursor >= after else { throw BundleError(.malformed, "the reply's page \(i + 1) goes back to cursor \(response.cursor)") }
            after = response.cursor
            read.append(response)
        }
        guard after == cursor else { throw BundleError(.malformed, "the reply's pages end at cursor \(after), not at \(cursor)") }
        var reset = false
        if let value = o["reset"], value != .null {
            guard case .bool(let flag) = value else { throw BundleError(.malformed, "the reply's reset is not true or false") }
            reset = flag
        }
        self.init(device: device, inReplyTo: inReplyTo, acknowledgements: acknowledgements, fromCursor: fromCursor, pages: read,
                  cursor: cursor, hasMore: hasMore, orgUnits: orgUnits, reset: reset, protocolVersion: Int(version))
    }
}

/// `POST /v1/bundles`: what the server answers whoever carried a request bundle to it
/// (Protocol/SPEC.md §15.6): the reply bundle to carry back, and counts the carrier may see (the
/// records themselves are sealed to the device).
public struct BundleUploadResponse: Hashable, Sendable, Codable {
    /// The reply bundle file, base64.
    public var reply: String
    /// The reply's id and the device it is for.
    public var replyID: UUID
    public var device: String
    /// What became of the request's change sets.
    public var changeSets: Int
    public var accepted: Int
    public var acceptedWithConflicts: Int
    public var rejected: Int
    /// Records and conflicts in the reply's pages; `hasMore` when the laptop needs another round.
    public var records: Int
    public var conflicts: Int
    public var hasMore: Bool

    public init(reply: String, replyID: UUID, device: String, changeSets: Int, accepted: Int, acceptedWithConflicts: Int, rejected: Int,
                records: Int, conflicts: Int, hasMore: Bool) {
        self.reply = reply; self.replyID = replyID; self.device = device; self.changeSets = changeSets; self.accepted = accepted
        self.acceptedWithConflicts = acceptedWithConflicts; self.rejected = rejected; self.records = records; self.conflicts = conflicts
        self.hasMore = hasMore
    }
}
