import Foundation

/// Where the registry is: the SQLite file in the data directory, or a shared PostgreSQL database.
public enum RegistryLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite
    case postgres(PostgresRegistryURL)

    /// `--registry`'s value: nil or empty is the SQLite file, anything else a `postgres://` URL.
    public init(parsing text: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text, !text.isEmpty else {
            self = .sqlite
            return
        }
        self = .postgres(try PostgresRegistryURL(parsing: text, environment: environment))
    }

    public var description: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres(let url): return url.description
        }
    }
}
