import ArgumentParser
import DoudiField
import Foundation

/// `doudi bundle export --to DIR`: the waiting change sets in one signed, sealed file.
struct BundleExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "导出数据包 Write the waiting change sets to a bundle file to carry to the town.",
        discussion: """
            The bundle holds every change set waiting in the outbox (`doudi outbox`) and how far this \
            laptop has pulled, signed with this laptop's key and sealed to the server: only the server \
            can open it, and a changed byte is refused. The change sets stay waiting until the reply \
            (or a network sync) answers them, so a bundle that is lost loses nothing: export again. A \
            bundle with no change sets still asks for what the village gained.

            Example:
              doudi bundle export --to /media/usb
            """)
    @Option(help: ArgumentHelp("目录 The folder to write the bundle into (the USB stick).", valueName: "dir")) var to: String
    @OptionGroup(title: "Output") var output: ResultOutput
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    struct Report: Encodable {
        var file: String
        var bundle: String
        var changeSets: Int
        /// Waiting change sets left for the next bundle (one bundle carries at most 24 MiB).
        var left: Int
        var cursor: Int64
    }

    func run() throws {
        try reportingFailures { try output.report { () throws -> Report in
            let store = try storeOptions.open()
            var path = ""
            let bundle = try store.exportBundle { made in path = try BundleFiles.write(made.file, named: made.fileName, in: to) }
            print("已导出数据包 Bundle written: \(path)")
            print("  变更集 \(bundle.changeSets) 个 change sets；位置 cursor \(bundle.cursor)")
            if bundle.left > 0 {
                print("  另有 \(bundle.left) 个变更集超出本包容量，请下次再导出 \(bundle.left) more wait for the next bundle")
            }
            print("  已签名并加密：只有服务器能打开 Signed by this laptop and sealed to the server: only the server can open it.")
            print("  带到镇（街道）用 doudi bundle upload 上传，再把回执带回本机运行 doudi bundle import 回执文件")
            return Report(file: path, bundle: JSONOutput.id(bundle.id), changeSets: bundle.changeSets, left: bundle.left, cursor: bundle.cursor)
        } }
    }
}
