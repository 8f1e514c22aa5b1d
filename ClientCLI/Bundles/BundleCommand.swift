import ArgumentParser

/// `doudi bundle export | upload | import | list`: sync carried on a USB stick (Protocol/SPEC.md §15).
struct BundleCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "bundle",
            abstract: "数据包 Sync without a link: carry change sets to the town on a USB stick, and the reply back.",
            discussion: """
                A village laptop with no usable network writes its waiting change sets to a bundle \
                file (`doudi bundle export --to DIR`), signed with the laptop's own key and sealed to the \
                server's key, so a lost stick gives nobody the ID numbers on it. Whoever has a link — \
                the town's laptop, logged in — sends it to the server (`doudi bundle upload FILE --to \
                DIR`); the server applies it as a sync would and gives back a reply bundle, sealed to \
                the village laptop, with the answers and the records its village gained. Back in the \
                village, `doudi bundle import FILE` applies the reply.

                The laptop must have logged in once over the network with this version of doudi (that \
                registers its key). Bundles and network syncs mix freely: nothing is applied twice, \
                and a lost bundle loses nothing (its change sets stay waiting: export again).
                """,
            subcommands: [BundleExportCommand.self, BundleUploadCommand.self, BundleImportCommand.self, BundleListCommand.self]
        )
    }
}
