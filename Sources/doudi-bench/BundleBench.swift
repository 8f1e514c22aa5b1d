import DoudiField
import DoudiModel
import DoudiSync
import Foundation

// Bundles carried by hand (SPEC §15) beside the network sync of the same scope: a new laptop
// filled by one reply bundle instead of an initial sync, and 1,000 edits carried as a bundle
// instead of pushed.

/// One round of carrying: export on the laptop, upload by the carrier, import of the reply.
struct BundleRound {
    var export = 0.0
    var upload = 0.0
    var importTime = 0.0
    var bundleBytes = 0
    var replyBytes = 0
    var changeSets = 0
    var records = 0
    var hasMore = false

    var total: Double { export + upload + importTime }
}

/// Carries `laptop`'s pending change sets (and what its scope gained) through `carrier`, timing each step.
func carryBundle(from laptop: FieldStore, through carrier: SyncClient) async throws -> BundleRound {
    var round = BundleRound()
    var exported: ExportedBundle?
    round.export = try seconds { exported = try laptop.exportBundle() }
    guard let exported else { throw BenchError("no bundle was exported") }
    round.bundleBytes = exported.file.count
    round.changeSets = exported.changeSets
    var answer: BundleUploadResponse?
    round.upload = try await seconds { answer = try await carrier.uploadBundle(exported.file) }
    guard let answer, let reply = Data(base64Encoded: answer.reply) else { throw BenchError("the server answered no reply bundle") }
    round.replyBytes = reply.count
    round.hasMore = answer.hasMore
    var report: BundleImportReport?
    round.importTime = try seconds { report = try laptop.importBundle(reply) }
    round.records = report?.pulledRecords ?? 0
    return round
}

/// The bundle rows of the sync section.
func bundleSection(_ runs: [SyncFigures]) -> String {
    func s(_ x: Double) -> String { String(format: x < 10 ? "%.2f s" : "%.0f s", x) }
    func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    var out = """
    ### Bundles carried by hand (SPEC §15), beside the network sync

    The same server and scope. A new laptop that logged in once is filled by one reply bundle (export of an empty
    bundle, upload by the office laptop, import of the reply) instead of its initial sync; then 1,000 edits made on the
    office laptop are carried as a bundle (export, upload, import of the reply) instead of pushed. Bundles are signed
    (Ed25519) and sealed (HPKE X25519, ChaCha20-Poly1305) both ways; the reply's records are applied as a pull applies them.

    | scope | a new laptop by bundle: export / upload / import | total | its initial sync by network | reply size | 1,000 edits by bundle: export / upload / import | their push by network |
    |---|---|---|---|---|---|---|

    """
    for f in runs {
        let n = f.bundleInitial, e = f.bundleEdits
        out += "| \(f.label) | \(ms(n.export)) / \(s(n.upload)) / \(s(n.importTime)) (\(n.records) records\(n.hasMore ? ", more to carry" : "")) | \(s(n.total)) | \(s(f.initialTime)) | \(mib(n.replyBytes)) | "
        out += "\(ms(e.export)) / \(ms(e.upload)) / \(ms(e.importTime)) (\(mib(e.bundleBytes))) | \(ms(f.editPushTime)) |\n"
    }
    return out
}
