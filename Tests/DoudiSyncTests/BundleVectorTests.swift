import DoudiModel
@testable import DoudiSync
import Foundation
import Testing

/// The bundle vectors of `Protocol/vectors/bundle/` (Protocol/SPEC.md §15): a request bundle and
/// its reply, made with the test keys of `keys.json` by `Protocol/check-bundle-vectors.py` (its
/// own RFC 9180 HPKE over Python's `cryptography`), read here by the Swift code that runs
/// (`SealedBundle`, swift-crypto's HPKE). The tests check that
/// 1. each file reads, its header is the header vector's bytes (and what `BundleHeader` writes),
///    its signature verifies with the signer's recorded key and not with another, and it opens
///    with the recipient's recorded key to exactly the payload vector's bytes;
/// 2. the payloads read as `BundleRequest` / `BundleReply`, and the Swift writers make the same
///    bytes from what was read;
/// 3. every single flipped byte of the header, the encapsulated key, the ciphertext or the
///    signature is refused, and so are a file cut short and a byte after the signature;
/// 4. the upload response and the logins with keys decode and re-encode to the same bytes;
/// 5. a bundle Swift seals opens in Python and one Python seals opens here, and
///    `check-bundle-vectors.py` passes (when python3 with `cryptography` is installed; with
///    `CI=true` a missing one fails instead of skipping).
@Suite("Bundle vectors (Protocol/vectors/bundle)")
struct BundleVectorTests {
    // MARK: where the files are

    /// The repository root: this file is `Tests/DoudiSyncTests/BundleVectorTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let protocolDirectory = root.appendingPathComponent("Protocol")
    static let directory = protocolDirectory.appendingPathComponent("vectors").appendingPathComponent("bundle")
    static let checker = protocolDirectory.appendingPathComponent("check-bundle-vectors.py")

    static func read(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    struct Manifest: Decodable {
        struct Entry: Decodable, Hashable, Sendable, CustomTestStringConvertible {
            var file: String
            var kind: String
            var header: String
            var payload: String
            var signer: String
            var recipient: String
            var testDescription: String { file }
        }
        var bundles: [Entry]
        var uploadResponse: String
    }

    static let manifest: Manifest = {
        guard let data = try? read("manifest.json"), let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            return Manifest(bundles: [], uploadResponse: "")
        }
        return manifest
    }()

    struct KeyFile: Decodable {
        struct Key: Decodable { var privateBase64: String; var `public`: String }
        struct Pair: Decodable { var signing: Key; var agreement: Key }
        var device: Pair
        var server: Pair
    }

    /// A holder's recorded keys: the private pair and the public halves as keys.json writes them.
    struct Holder {
        var keys: BundlePrivateKeys
        var recorded: BundlePublicKeys
    }

    static func holders() throws -> [String: Holder] {
        let file = try JSONDecoder().decode(KeyFile.self, from: try read("keys.json"))
        var out: [String: Holder] = [:]
        for (name, pair) in [("device", file.device), ("server", file.server)] {
            let text = JSONValue.object(["signing": .string(pair.signing.privateBase64), "agreement": .string(pair.agreement.privateBase64)]).canonicalText
            out[name] = Holder(keys: try BundlePrivateKeys(storedText: text),
                               recorded: BundlePublicKeys(signing: pair.signing.public, agreement: pair.agreement.public))
        }
        return out
    }

    static func other(_ holder: String) -> String { holder == "device" ? "server" : "device" }

    /// Reads, verifies and opens `data` as the recipient would: what a refusal throws.
    static func accept(_ data: Data, signer: Holder, recipient: Holder) throws -> Data {
        let bundle = try SealedBundle(reading: data)
        try bundle.verify(signedBy: try signer.recorded.signingKey())
        return try bundle.open(with: recipient.keys.agreement)
    }

    // MARK: the keys and the files

    @Test("Each recorded public key is the one its private key makes")
    func keysMatch() throws {
        for (name, holder) in try Self.holders() {
            #expect(holder.keys.publicKeys == holder.recorded, "\(name)")
            #expect(try holder.recorded.validated() == holder.recorded, "\(name): recorded in canonical base64")
        }
    }

    @Test("Each bundle reads, verifies with the signer's key and opens to exactly its payload", arguments: manifest.bundles)
    func opens(_ entry: Manifest.Entry) throws {
        let holders = try Self.holders()
        let signer = try #require(holders[entry.signer]), recipient = try #require(holders[entry.recipient])
        let bundle = try SealedBundle(reading: try Self.read(entry.file))
        let headerBytes = try Self.read(entry.header)
        #expect(bundle.headerBytes == headerBytes)
        #expect(Data(bundle.header.jsonValue.canonicalText.utf8) == headerBytes, "BundleHeader writes other bytes than the vector's header")
        #expect(bundle.header.kind.rawValue == entry.kind)
        #expect(bundle.header.signer == signer.recorded.signing)
        #expect(bundle.header.recipient == recipient.recorded.agreement)
        // the bundle vectors are of protocol 1, still read by this side (a laptop not yet updated)
        #expect(bundle.header.protocolVersion == 1)
        #expect(bundle.encapsulatedKey.count == 32)
        #expect(bundle.signature.count == 64)
        try bundle.verify(signedBy: try signer.recorded.signingKey())
        #expect(try bundle.open(with: recipient.keys.agreement) == (try Self.read(entry.payload)))

        let wrongSigner = try #require(holders[Self.other(entry.signer)]), wrongRecipient = try #require(holders[Self.other(entry.recipient)])
        let signature = #expect(throws: BundleError.self) { try bundle.verify(signedBy: try wrongSigner.recorded.signingKey()) }
        #expect(signature?.code == .signature)
        let sealed = #expect(throws: BundleError.self) { try bundle.open(with: wrongRecipient.keys.agreement) }
        #expect(sealed?.code == .recipient)
    }

    @Test("The request payload reads as a BundleRequest, and BundleRequest.payload writes the same bytes")
    func requestPayload() throws {
        let data = try Self.read("request-payload.json")
        let request = try BundleRequest(reading: data)
        let header = try SealedBundle(reading: try Self.read("request.bundle")).header
        #expect(request.device == header.device)
        #expect(request.cursor == 6)
        var changeSets: [ChangeSet] = []
        for entry in request.changeSets {
            guard case .readable(let changeSet) = entry else { Issue.record("a change set of the vector does not read"); continue }
            changeSets.append(changeSet)
        }
        #expect(changeSets.map(\.sequence) == [2, 3, 4, 5])
        #expect(request.protocolVersion == 1)
        #expect(BundleRequest.payload(device: request.device, cursor: request.cursor, changeSets: changeSets, protocolVersion: request.protocolVersion) == data)
    }

    @Test("The reply payload reads as a BundleReply, and BundleReply.payload writes the same bytes")
    func replyPayload() throws {
        let data = try Self.read("reply-payload.json")
        let reply = try BundleReply(reading: data)
        let request = try SealedBundle(reading: try Self.read("request.bundle")).header
        let header = try SealedBundle(reading: try Self.read("reply.bundle")).header
        #expect(header.inReplyTo == request.id)
        #expect(reply.inReplyTo == request.id)
        #expect(reply.device == request.device)
        #expect(reply.fromCursor == 6)
        #expect(reply.cursor == 8)
        #expect(reply.hasMore == false)
        #expect(reply.acknowledgements.map(\.status) == [.acceptedWithConflicts, .accepted, .accepted, .rejected])
        #expect(reply.pages.count == 1)
        #expect(reply.orgUnits.map(\.code.value) == ["511011", "511011101", "511011101201"])

        // the page as the ledger would have written it: the pull answer's own bytes
        let pageBytes = try Data(contentsOf: Self.protocolDirectory.appendingPathComponent("vectors").appendingPathComponent("pull-response-resolved.json"))
        let page = try #require(reply.pages.first)
        #expect(page == (try PullResponse(wire: pageBytes)))
        let written = try BundleReply.payload(device: reply.device, inReplyTo: reply.inReplyTo, acknowledgements: reply.acknowledgements,
                                              fromCursor: reply.fromCursor,
                                              pages: [PullPageJSON(json: pageBytes, records: page.records.count, conflicts: page.conflicts.count,
                                                                   cursor: page.cursor, hasMore: page.hasMore)],
                                              orgUnits: reply.orgUnits, protocolVersion: reply.protocolVersion)
        #expect(written == data, "BundleReply.payload: \(GoldenVectorTests.difference(data, written))")
    }

    @Test("Every flipped byte of the header, key, ciphertext or signature is refused; so are a cut and a byte more", arguments: manifest.bundles)
    func tampering(_ entry: Manifest.Entry) throws {
        let holders = try Self.holders()
        let signer = try #require(holders[entry.signer]), recipient = try #require(holders[entry.recipient])
        let data = try Self.read(entry.file)
        let bundle = try SealedBundle(reading: data)
        let headerAt = 8 + 4
        let keyAt = headerAt + bundle.headerBytes.count + 2
        let cipherAt = keyAt + bundle.encapsulatedKey.count + 8
        let signatureAt = cipherAt + bundle.ciphertext.count + 2
        #expect(signatureAt + bundle.signature.count == data.count)

        var notRefused: [String: [Int]] = [:]
        for (part, range) in [("magic and header length", 0..<headerAt), ("header", headerAt..<(keyAt - 2)), ("encapsulated key", keyAt..<(cipherAt - 8)),
                              ("ciphertext", cipherAt..<(signatureAt - 2)), ("signature", signatureAt..<data.count)] {
            for i in range {
                var changed = data
                changed[i] ^= 0xFF
                if (try? Self.accept(changed, signer: signer, recipient: recipient)) != nil { notRefused[part, default: []].append(i) }
                // HPKE alone (no signature check) refuses a changed header or ciphertext too: the header is its associated data
                if part == "header" || part == "ciphertext", let read = try? SealedBundle(reading: changed),
                   (try? read.open(with: recipient.keys.agreement)) != nil {
                    notRefused[part + " (HPKE alone)", default: []].append(i)
                }
            }
        }
        #expect(notRefused.isEmpty, "bytes flipped and not refused: \(notRefused.mapValues { $0.prefix(5) })")

        let cut = #expect(throws: BundleError.self) { try SealedBundle(reading: data.dropLast()) }
        #expect(cut?.code == .malformed)
        let more = #expect(throws: BundleError.self) { try SealedBundle(reading: data + Data([0])) }
        #expect(more?.code == .malformed)
        let other = #expect(throws: BundleError.self) { try SealedBundle(reading: Data("DOUDIBN2".utf8) + data.dropFirst(8)) }
        #expect(other?.code == .version)
    }

    @Test("The upload response and the logins with keys decode and re-encode to the same bytes")
    func messages() throws {
        let encoder = GoldenVectorTests.canonicalEncoder()
        let holders = try Self.holders()

        let uploadBytes = try Self.read(Self.manifest.uploadResponse)
        let upload = try JSONDecoder().decode(BundleUploadResponse.self, from: uploadBytes)
        #expect(try encoder.encode(upload) == uploadBytes)
        #expect(Data(base64Encoded: upload.reply) == (try Self.read("reply.bundle")))
        #expect(upload.replyID == (try SealedBundle(reading: try Self.read("reply.bundle"))).header.id)
        let counts: [Int] = [upload.changeSets, upload.accepted, upload.acceptedWithConflicts, upload.rejected, upload.records, upload.conflicts]
        #expect(counts == [4, 2, 1, 1, 2, 1])

        let loginBytes = try Self.read("login-request-keys.json")
        let login = try JSONDecoder().decode(LoginRequest.self, from: loginBytes)
        #expect(try encoder.encode(login) == loginBytes)
        #expect(login.deviceKeys == holders["device"]?.recorded)
        let answerBytes = try Self.read("login-response-keys.json")
        let answer = try JSONDecoder().decode(LoginResponse.self, from: answerBytes)
        #expect(try encoder.encode(answer) == answerBytes)
        #expect(answer.serverKeys == holders["server"]?.recorded)
    }

    // MARK: the other implementation

    /// `python3` with the `cryptography` package, if this machine has them: `$PYTHON`, else
    /// `python3` on the `PATH`.
    static let python = PythonTool.find(importing: "cryptography.hazmat.primitives.ciphers.aead")

    /// In CI the Python side must run (``PythonTool/required``).
    static let required = PythonTool.required

    /// Runs the checker with `arguments`: its exit status and what it wrote.
    static func runChecker(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let python = try #require(Self.python, "python3 with the cryptography package is needed (pip install cryptography): CI=true makes it required")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python[0])
        process.arguments = Array(python.dropFirst()) + [Self.checker.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("doudi-bundle-vector-\(UUID().uuidString)-\(name)")
    }

    @Test("check-bundle-vectors.py passes: its own HPKE and Ed25519 open and verify the vectors",
          .enabled(if: python != nil || required, "skipped: python3 with the cryptography package is not installed (pip install cryptography)"))
    func pythonChecks() throws {
        let run = try Self.runChecker([])
        #expect(run.status == 0, "check-bundle-vectors.py failed:\n\(run.output)")
    }

    @Test("A bundle Swift seals (a fresh ephemeral key) opens in Python", arguments: manifest.bundles)
    func swiftSealsPythonOpens(_ entry: Manifest.Entry) throws {
        guard Self.python != nil || Self.required else { return }   // no Python here: nothing to agree with
        let holders = try Self.holders()
        let signer = try #require(holders[entry.signer]), recipient = try #require(holders[entry.recipient])
        let header = try SealedBundle(reading: try Self.read(entry.file)).header
        let file = try SealedBundle.seal(try Self.read(entry.payload), header: header, signedBy: signer.keys, to: try recipient.recorded.agreementKey())
        #expect(file != (try Self.read(entry.file)), "a fresh seal must use a fresh ephemeral key")
        let url = Self.temporaryFile(entry.file)
        try file.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Self.runChecker(["--open", url.path, "--signer", entry.signer, "--payload", Self.directory.appendingPathComponent(entry.payload).path])
        #expect(run.status == 0, "Python does not open the bundle Swift sealed:\n\(run.output)")
    }

    @Test("A bundle Python seals (a fresh ephemeral key) opens here", arguments: manifest.bundles)
    func pythonSealsSwiftOpens(_ entry: Manifest.Entry) throws {
        guard Self.python != nil || Self.required else { return }
        let holders = try Self.holders()
        let signer = try #require(holders[entry.signer]), recipient = try #require(holders[entry.recipient])
        let url = Self.temporaryFile(entry.file)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Self.runChecker(["--seal", url.path, "--kind", entry.kind])
        try #require(run.status == 0, "Python could not seal a bundle:\n\(run.output)")
        let file = try Data(contentsOf: url)
        #expect(file != (try Self.read(entry.file)), "a fresh seal must use a fresh ephemeral key")
        #expect(try Self.accept(file, signer: signer, recipient: recipient) == (try Self.read(entry.payload)))
    }
}
