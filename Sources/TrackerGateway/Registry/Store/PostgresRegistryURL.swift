import Foundation

/// Where a shared PostgreSQL registry is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]`.
///
/// Issue #11 and DESIGN.md "Scale". The form is libpq's, so the URL an operator already uses with
/// `psql` works here: `sslmode` (`disable`, `allow`, `prefer` — the default —, `require`,
/// `verify-ca`, `verify-full`), `host=/run/postgresql` for a Unix socket directory, and the
/// password from the URL or `PGPASSWORD`. trackerd adds `schema=NAME` for a registry kept in a
/// schema other than `public`. The password never appears in ``description``.
public struct PostgresRegistryURL: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    var password: String?
    /// A host name or address; nil when ``socketDirectory`` is set.
    public var host: String?
    /// libpq's `host=/dir`: the socket is `/dir/.s.PGSQL.<port>`.
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    public var schema: String?

    /// The field errors name: where the operator typed the URL.
    static let field = "--registry"

    /// Parses `text`; `environment` supplies `PGPASSWORD` when the URL has no password.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func refuse(_ reason: String) -> GatewayError { .invalidInput(field: Self.field, reason: reason) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw refuse("is not a URL; expected postgres://USER@HOST[:PORT]/DB")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw refuse("must start with postgres:// (the SQLite registry needs no --registry)")
        }
        guard let user = components.user, !user.isEmpty else { throw refuse("names no user; expected postgres://USER@HOST[:PORT]/DB") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw refuse("names no database; expected postgres://USER@HOST[:PORT]/DB") }
        self.user = user
        self.database = database
        password = components.password ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw refuse("has port \(port); a port is 1 to 65535") }
        sslMode = .prefer
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw refuse("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "host":
                guard value.hasPrefix("/") else { throw refuse("host= must be the directory of the server's Unix socket") }
                socketDirectory = value
            case "schema":
                guard Self.isIdentifier(value) else { throw refuse("schema must be a lower-case SQL name (letters, digits, _)") }
                schema = value
            default:
                throw refuse("has an unknown parameter \(Self.shown(item.name)); trackerd knows sslmode, host and schema")
            }
        }
        if socketDirectory != nil { host = nil }
        guard host != nil || socketDirectory != nil else { throw refuse("names no host; expected postgres://USER@HOST[:PORT]/DB") }
    }

    /// `host:port`, or the socket's path: what an unreachable server is called.
    public var server: String {
        if let socketDirectory { return "\(socketDirectory)/.s.PGSQL.\(port)" }
        let shownHost = host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "localhost"
        return "\(shownHost):\(port)"
    }

    /// The URL without its password.
    public var description: String {
        var text = "postgres://\(user)@\(socketDirectory == nil ? server : ":\(port)")/\(database)"
        var parameters: [String] = []
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        if sslMode != .prefer { parameters.append("sslmode=\(sslMode.rawValue)") }
        if let schema { parameters.append("schema=\(schema)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, (1...63).contains(text.utf8.count), first == "_" || ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// A parameter name as an error may show it: short and printable, else not at all.
    private static func shown(_ text: String) -> String {
        text.count <= 24 && text.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) ? "'\(text)'" : "(unprintable)"
    }
}
