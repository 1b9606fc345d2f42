/// The one error type of TrackerGateway: what went wrong, and what a person needs to act on it.
///
/// Messages never carry PII or a message body (DESIGN.md invariants 1 and 6): an error names the
/// field, the rule and, for files, the path and mode — never the rejected value itself.
public enum GatewayError: Error, Equatable, Sendable {
    /// The request is incomplete or contradictory (a required attestation or option is missing).
    case usage(String)
    /// A value broke a rule: `field` is what the operator typed it into (`--phone #2`), `reason` the rule.
    case invalidInput(field: String, reason: String)
    /// No row with this id (`kind` is "customer", "phone" or "tracker").
    case unknownID(kind: String, id: Int64)
    /// A number the registry does not hold as a `kind` ("gateway number"); `field` is where it was typed.
    /// The number itself is never repeated: it may be a customer's, typed by mistake.
    case unknownNumber(field: String, kind: String)
    /// The value is valid but collides with what is stored (duplicate number, number of another kind).
    case conflict(field: String, reason: String)
    /// A key or database file that group or others can read or write.
    case insecurePermissions(path: String, mode: UInt16)
    /// A data directory that is not 0700: group or others have some access to it.
    case insecureDirectory(path: String, mode: UInt16)
    /// The data directory has not been set up with `trackerd init`.
    case notInitialised(path: String)
    /// A file exists but its content is not what trackerd wrote (bad key length, failed decryption, bad schema).
    case corruptData(path: String, reason: String)
    /// The operating system refused a file operation (`operation` names it, `errno` says why).
    case io(path: String, operation: String, errno: Int32)
    /// A setting is missing or unusable: `key` is what the operator sets (`mail.from`,
    /// `TRACKERD_MAIL_SENDMAIL`), `reason` the rule and where to set it.
    case configuration(key: String, reason: String)
    /// The PostgreSQL registry cannot be reached: `server` is `host:port` (or the socket's path).
    case registryUnavailable(server: String, reason: String)
    /// The PostgreSQL server refused the role: a wrong password, an unknown role, or no right to the schema.
    case registryAccessDenied(server: String, role: String)
    /// The PostgreSQL server has no database of that name.
    case registryDatabaseMissing(server: String, database: String)
}

extension GatewayError: CustomStringConvertible {
    /// One line for a person, free of PII.
    public var description: String {
        switch self {
        case .usage(let message):
            return message
        case .invalidInput(let field, let reason):
            return "\(field): \(reason)"
        case .unknownID(let kind, let id):
            return "no \(kind) with id \(id)"
        case .unknownNumber(let field, let kind):
            return "\(field): is not a \(kind) of this registry (see `trackerd gateway number list`)"
        case .conflict(let field, let reason):
            return "\(field): \(reason)"
        case .insecurePermissions(let path, let mode):
            return "\(path) has mode \(Self.octal(mode)); group and others must have no access: run `chmod 600 \(path)`"
        case .insecureDirectory(let path, let mode):
            return "\(path) has mode \(Self.octal(mode)); a data directory must be 0700 (no access for group or others): run `chmod 700 \(path)`"
        case .notInitialised(let path) where path.hasPrefix("postgres://"):
            return "\(path) holds no trackerd registry; run `trackerd init --registry URL` first"
        case .notInitialised(let path):
            return "\(path) is not a trackerd data directory; run `trackerd init` first"
        case .corruptData(let path, let reason):
            return "\(path): \(reason)"
        case .io(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
        case .configuration(let key, let reason):
            return "\(key): \(reason)"
        case .registryUnavailable(let server, let reason):
            return "the PostgreSQL registry at \(server) is unreachable: \(reason)"
        case .registryAccessDenied(let server, let role):
            return "the PostgreSQL server at \(server) refused role \(role): check the password (PGPASSWORD or the URL) and the role's rights"
        case .registryDatabaseMissing(let server, let database):
            return "the PostgreSQL server at \(server) has no database \(database); create it (createdb -O ROLE \(database)), then run `trackerd init --registry …`"
        }
    }

    /// A mode as `ls -l` users write it: `0755`.
    public static func octal(_ mode: UInt16) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
