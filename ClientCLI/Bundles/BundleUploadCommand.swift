import ArgumentParser
import DoudiField
import DoudiSync
import Foundation

/// `doudi bundle upload FILE --to DIR`: a village's bundle sent to the server by a laptop with a link.
struct BundleUploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "上传数据包 Send a village laptop's bundle to the server and write the reply to carry back.",
        discussion: """
            Run on a laptop with a link, logged in (the town's, or the district's). The server checks \
            the bundle's signature against the key the village laptop registered, and that your account \
            has jurisdiction over that laptop's village; then it applies the change sets as a sync \
            would (each once, however often the same bundle arrives) and answers a reply bundle sealed \
            to the village laptop — you cannot read it, only carry it back.

            Example:
              doudi bundle upload /media/usb/doudi-dev-1a2b-20261130-101500-3f9c0d1e.bundle --to /media/usb
            """)
    @Argument(help: ArgumentHelp("The bundle file the village laptop wrote.", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("目录 The folder to write the reply into (default: the bundle's folder).", valueName: "dir")) var to: String?
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    struct Report: Encodable {
        var reply: String
        var device: String
        var changeSets: Int
        var accepted: Int
        var acceptedWithConflicts: Int
        var rejected: Int
        var records: Int
        var conflicts: Int
        var hasMore: Bool
    }

    func run() async throws {
        try await reportingFailures { try await output.report { () async throws -> Report in
            let data = try BundleFiles.read(file)
            let store = try storeOptions.open()
            let server = try store.syncState()?.server
            let answer: BundleUploadResponse
            do { answer = try await SyncClient(store: store).uploadBundle(data) } catch let error as SyncError {
                throw SyncFailure.uploadFailure(error, server: server)
            }
            guard let reply = Data(base64Encoded: answer.reply) else {
                throw CommandFailure("the server's reply bundle is not base64: nothing was written; upload again")
            }
            let folder = to ?? URL(fileURLWithPath: file).deletingLastPathComponent().path
            let name = FieldStore.bundleFileName(device: answer.device, at: Int64(Date().timeIntervalSince1970 * 1000), id: answer.replyID, prefix: "doudi-reply")
            let path: String
            do { path = try BundleFiles.write(reply, named: name, in: folder) } catch let failure as CommandFailure {
                throw CommandFailure(chinese: "数据包已由服务器处理，但回执未能写入",
                                     "the server applied the bundle (\(answer.accepted + answer.acceptedWithConflicts) change sets accepted), but the reply could not be written: \(failure.message). Upload the same file again with another --to: that is safe, nothing is applied twice")
            }
            print("已上传 Bundle of device \(answer.device) applied by the server: \(answer.changeSets) 个变更集 change sets（接受 \(answer.accepted)，有冲突 \(answer.acceptedWithConflicts)，拒绝 \(answer.rejected)）")
            print("回执 Reply written: \(path)（\(answer.records) 条记录 records，只有该设备能打开 sealed to that laptop）")
            if answer.hasMore { print("  记录较多，一次未带完：回执导入后请再导出一次 More than one reply carries: export and upload again after importing it") }
            print("  把回执带回村里，在该电脑上运行 doudi bundle import 回执文件")
            return Report(reply: path, device: answer.device, changeSets: answer.changeSets, accepted: answer.accepted,
                          acceptedWithConflicts: answer.acceptedWithConflicts, rejected: answer.rejected, records: answer.records,
                          conflicts: answer.conflicts, hasMore: answer.hasMore)
        } }
    }
}
