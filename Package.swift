// swift-tools-version:6.0
import PackageDescription

// The targets are the layers of ../shared/DESIGN.md "Layers": arrows point down only, and the
// compiler keeps them so (the PDU codec and the AT engine never import each other; the
// simulator sees the codec, the transports and the tracker families, never the engine).
let package = Package(
    name: "trackerd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trackerd", targets: ["trackerd"]),
        .executable(name: "trackersim", targets: ["trackersim"]),
        .library(name: "ATModem", targets: ["ATModem"]),
        .library(name: "TrackerGateway", targets: ["TrackerGateway"]),
        .library(name: "GatewayDaemon", targets: ["GatewayDaemon"]),
        .library(name: "Simulator", targets: ["Simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The config file (issue 12): Yams' node tree keeps each key's line for error messages.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // The metrics endpoint (issue 12): Prometheus text through swift-prometheus, HTTP/1.1 on SwiftNIO.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // The PostgreSQL registry (issue 11): postgres-nio, with swift-nio-ssl for sslmode=require.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CSerialPort",
            pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]
        ),
        // Byte pipes to a modem: libserialport for real ports, termios for ptys, a scripted double.
        .target(name: "SerialTransport", dependencies: ["CSerialPort"]),
        // Line framing, classifier and the AT command state machine: pure, no I/O. It knows the
        // daemon's instant type only to export entry points specialised for it (the generic ones
        // serve tests' clocks); it reads no clock.
        .target(name: "ATEngine", dependencies: ["MonotonicTime"]),
        // The SMS PDU codec (TS 23.040 / 23.038): pure, no I/O.
        .target(name: "SMSCodec"),
        // One monotonic time line (system or a test's hand) for the modem threads and the relay.
        .target(name: "MonotonicTime"),
        // One modem's shell on its own thread: joins the engine, the codec and a transport.
        .target(name: "ATModem", dependencies: ["ATEngine", "SMSCodec", "SerialTransport", "MonotonicTime"]),
        // The tracker families' commands and acknowledgements, shared by the gateway and the simulator.
        .target(name: "TrackerProfiles"),
        .target(name: "LineSocket"),
        .target(
            name: "TrackerGateway",
            dependencies: [
                "SMSCodec",
                "TrackerProfiles",
                "MonotonicTime",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The shared registry of several gateways (DESIGN.md "Scale"), over TCP or a Unix socket.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon as a library: modem service, control socket, retention; tests build it in-process.
        .target(
            name: "GatewayDaemon",
            dependencies: [
                "ATModem",
                "TrackerGateway",
                "LineSocket",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "SMSCodec",
                "SerialTransport",
                "TrackerProfiles",
                "LineSocket",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Simulator/Simulator"
        ),
        .executableTarget(
            name: "trackersim",
            dependencies: [
                "Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Simulator/trackersim"
        ),
        .executableTarget(
            name: "trackerd",
            dependencies: [
                "GatewayDaemon",
                "Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The release daemon is linked by lld (the toolchain's) for its peak RSS (bench/README.md,
            // "Peak RSS"): not position-independent (a static PIE applies ~3 MiB of relocations at
            // every start and dirties the pages they land on: 31.4 → 28.1 MiB); without the Swift
            // runtime's --export-dynamic (43,000 symbols the dynamic linker pages through: −1.9 MiB);
            // and its functions in the order of packaging/trackerd.order, the ones a running daemon
            // executes first (with scripts/packaging/release-flags.sh's -function-sections: −6.3 MiB).
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld", "-Xlinker", "-no-pie", "-Xclang-linker", "-no-pie",
                    "-Xlinker", "--no-export-dynamic",
                    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/packaging/trackerd.order",
                    "-Xlinker", "--no-warn-symbol-ordering",
                ], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // Prints the DESIGN.md performance figures (bench/run.sh, `make bench`); asserts nothing.
        .executableTarget(
            name: "trackerd-bench",
            dependencies: [
                "GatewayDaemon",
                "Simulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Sources"
        ),
        // The soak run of issue #9 (bench/soak.sh, `make soak`): faults and kills, then what was lost; not in `make test`.
        .executableTarget(name: "trackerd-soak", dependencies: ["Simulator", "SMSCodec", "LineSocket", "TrackerProfiles", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "bench/Soak"),
        // What every test target shares: temporary directories, waits, clocks, child processes.
        .target(name: "TestSupport", dependencies: ["MonotonicTime"], path: "Tests/TestSupport"),
        .testTarget(name: "SMSCodecTests", dependencies: ["SMSCodec", "TestSupport"]),
        .testTarget(name: "ATEngineTests", dependencies: ["ATEngine", "TestSupport"]),
        .testTarget(name: "SerialTransportTests", dependencies: ["SerialTransport", "TestSupport"]),
        .testTarget(name: "ATModemTests", dependencies: ["ATModem", "TestSupport"]),
        .testTarget(name: "TrackerGatewayTests", dependencies: ["TrackerGateway", "TestSupport"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "ATModem", "LineSocket", "TrackerProfiles", "TestSupport"]),
        .testTarget(name: "LineSocketTests", dependencies: ["LineSocket", "TestSupport"]),
        .testTarget(name: "GatewayDaemonTests", dependencies: ["GatewayDaemon", "Simulator", "TestSupport"]),
        .testTarget(name: "trackerdTests", dependencies: ["Simulator", "LineSocket", "TrackerProfiles", "TestSupport"]),
    ]
)
