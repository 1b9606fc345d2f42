import ArgumentParser
import Foundation
import TrackerGateway

/// Where the registry lives: `--data-dir`, else `TRACKERD_DATA_DIR`, else the config file's
/// `data-dir`, else /var/lib/trackerd; and with `--registry` (else `TRACKERD_REGISTRY`, else the
/// config file's `registry`) a shared PostgreSQL registry instead of its SQLite file.
struct DataDirectoryOptions: ParsableArguments {
    static let environmentVariable = "TRACKERD_DATA_DIR"
    static let registryEnvironmentVariable = "TRACKERD_REGISTRY"
    static let defaultPath = "/var/lib/trackerd"

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory holding the master key and the database (env: TRACKERD_DATA_DIR).", valueName: "path"))
    var dataDirectory: String?

    @Option(name: .customLong("key-file"), help: ArgumentHelp("Master key file, when it is kept outside the data directory.", valueName: "path"))
    var keyFile: String?

    @OptionGroup var configFile: ConfigOptions

    @Option(name: .customLong("registry"), help: ArgumentHelp("A shared PostgreSQL registry, postgres://USER@HOST[:PORT]/DB[?sslmode=require] (env: TRACKERD_REGISTRY); without it, the SQLite file in the data directory.", valueName: "url"))
    var registry: String?

    /// The directory to use, by the precedence above.
    func resolvedDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let path = dataDirectory ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? configFile.fileValues(environment: environment).dataDirectory ?? Self.defaultPath
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The registry to use: `--registry`, else `TRACKERD_REGISTRY`, else the config file's
    /// `registry`, else the SQLite file.
    func resolvedRegistry(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryLocation {
        let url = registry ?? environment[Self.registryEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            ?? configFile.fileValues(environment: environment).registry
        return try RegistryLocation(parsing: url, environment: environment)
    }

    /// Opens the registry of an initialised data directory.
    func openRegistry() throws -> Registry {
        try Registry.open(dataDirectory: resolvedDataDirectory(), location: try resolvedRegistry(), masterKeyFile: keyFile.map { URL(fileURLWithPath: $0) })
    }
}

/// `--default-region`: the calling code for national number forms, overriding the one set at init.
struct NumberOptions: ParsableArguments {
    @Option(name: .customLong("default-region"), help: ArgumentHelp("Calling code for national numbers such as 0170… (e.g. 49).", valueName: "code"))
    var defaultRegion: String?

    func callingCode() throws -> CallingCode? {
        try defaultRegion.map { try CallingCode(parsing: $0) }
    }
}

extension DataDirectoryOptions {
    /// Opens the registry, runs `body`, closes it; a ``GatewayError`` becomes one stderr line and its exit code.
    func withRegistry<T>(_ body: (Registry) throws -> T) throws -> T {
        try CLIError.reporting {
            let registry = try openRegistry()
            defer { try? registry.close() }
            return try body(registry)
        }
    }
}

/// `--json`: print a JSON document instead of the table.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}
