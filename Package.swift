// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "trackerd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trackerd", targets: ["trackerd"]),
        .executable(name: "trackersim", targets: ["trackersim"]),
        .library(name: "ATModem", targets: ["ATModem"]),
        .library(name: "TrackerGateway", targets: ["TrackerGateway"]),
        .library(name: "Simulator", targets: ["Simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSerialPort",
            pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]
        ),
        .target(
            name: "ATModem",
            dependencies: ["CSerialPort"]
        ),
        .target(name: "LineSocket"),
        .target(
            name: "TrackerGateway",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "ATModem",
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
                "ATModem",
                "TrackerGateway",
                "Simulator",
                "LineSocket",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Prints the DESIGN.md performance figures (bench/run.sh, `make bench`); asserts nothing.
        .executableTarget(
            name: "trackerd-bench",
            dependencies: [
                "ATModem",
                "TrackerGateway",
                "Simulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Sources"
        ),
        .testTarget(name: "ATModemTests", dependencies: ["ATModem"]),
        .testTarget(name: "TrackerGatewayTests", dependencies: ["TrackerGateway"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "ATModem", "LineSocket"]),
        .testTarget(name: "trackerdTests", dependencies: ["ATModem", "Simulator", "LineSocket"]),
    ]
)
