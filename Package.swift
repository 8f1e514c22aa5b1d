// swift-tools-version:6.1
// Doudi (兜底): the offline-first social-assistance safety net, village → town → district.
//
// Layers (see ../shared/design/ARCHITECTURE.md):
//   DoudiModel  ← DoudiSync ← DoudiField (field library)  ← doudi (ClientCLI/)
//                            ← DoudiServer                 ← doudi-server
// DoudiModel and DoudiSync are pure Swift: no I/O, no clock of their own.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Doudi",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DoudiModel", targets: ["DoudiModel"]),
        .library(name: "DoudiSync", targets: ["DoudiSync"]),
        .library(name: "DoudiField", targets: ["DoudiField"]),
        .library(name: "DoudiServer", targets: ["DoudiServer"]),
        .library(name: "DoudiText", targets: ["DoudiText"]),
        .library(name: "DoudiConsole", targets: ["DoudiConsole"]),
        .executable(name: "doudi", targets: ["doudi"]),
        .executable(name: "doudi-server", targets: ["doudi-server"]),
        .executable(name: "doudi-bench", targets: ["doudi-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // xlsx (a zip of XML) for the rolls and ledgers Excel and banks take, and for ledgers the offices send.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // the web console's server-rendered pages
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // already under Hummingbird; named for the console's own response headers
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(name: "DoudiModel", swiftSettings: swiftSettings),
        // A deterministic synthetic district (and the seeded generator) for the bench and the property tests.
        .target(name: "DoudiSynthetic", dependencies: ["DoudiModel"], swiftSettings: swiftSettings),
        .target(name: "DoudiSync", dependencies: ["DoudiModel", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(
            name: "DoudiField",
            dependencies: ["DoudiModel", "DoudiSync", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DoudiServer",
            dependencies: [
                "DoudiModel", "DoudiSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // One home for what people read: the Chinese labels, status names and report texts the CLI and the console share.
        .target(name: "DoudiText", dependencies: ["DoudiModel", "DoudiSync", "DoudiField"], swiftSettings: swiftSettings),
        // The towns' and the district's web console, served by doudi-server: each user works through a copy of their
        // scope kept on the server (a field store, as a laptop's), so every action is a change set through the engine.
        .target(
            name: "DoudiConsole",
            dependencies: ["DoudiModel", "DoudiSync", "DoudiField", "DoudiText", "DoudiServer",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "doudi",
            dependencies: [
                "DoudiModel", "DoudiField", "DoudiText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "ClientCLI",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "doudi-server",
            dependencies: [
                "DoudiServer", "DoudiModel", "DoudiConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl driven directly, for the bench's transport comparison (the design card's libcurl4-openssl-dev).
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The bench tool: run it in release mode (`swift run -c release doudi-bench`); figures go to BENCHMARKS.md.
        .executableTarget(
            name: "doudi-bench",
            dependencies: ["DoudiModel", "DoudiSync", "DoudiField", "DoudiSynthetic", "CCurl", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoudiModelTests",
            dependencies: ["DoudiModel", "DoudiSynthetic"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoudiSyncTests",
            dependencies: ["DoudiSync", "DoudiSynthetic"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoudiServerTests",
            dependencies: [
                "DoudiServer", "DoudiSync", "DoudiTestSupport",
                // bundles and network syncs mixed: real field stores against the server in-process
                "DoudiField",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoudiFieldTests",
            dependencies: ["DoudiField", "DoudiSync", "DoudiSynthetic", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // What several test targets share: a PostgreSQL database per test, the store kinds to run on.
        .target(name: "DoudiTestSupport", dependencies: ["DoudiModel"], path: "Tests/DoudiTestSupport", swiftSettings: swiftSettings),
        // Real `doudi-server` processes over HTTP: kill -9 mid-push, and several processes on one PostgreSQL.
        .testTarget(
            name: "DoudiServerProcessTests",
            dependencies: ["DoudiModel", "DoudiSync", "DoudiTestSupport", "doudi-server", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The console's parts without a server: sessions, forms, charts, step forms.
        .testTarget(
            name: "DoudiConsoleTests",
            dependencies: ["DoudiConsole", "DoudiModel", "DoudiField", "DoudiServer"],
            swiftSettings: swiftSettings
        ),
        // End-to-end: runs the built `doudi` executable as a process; depending on the
        // executable target makes `swift test` build it first.
        .testTarget(
            name: "DoudiCLITests",
            dependencies: ["doudi", "doudi-server", "DoudiTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
