import ArgumentParser
import Foundation
import TrackerGateway

/// The exit codes trackerd uses (sysexits(3)); the one map from an error to its code.
enum SysExit: Int32 {
    case ok = 0
    case findings = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case ioError = 74
    /// EX_TEMPFAIL: try again later (another daemon holds the data directory, or another gateway or
    /// host runs a job that must run once: the retention sweep, notices).
    case temporaryFailure = 75
    case permission = 77
    case configuration = 78

    /// The code for a library error: 65 bad data, 66 unknown id or database, 69 registry unreachable, 74 I/O,
    /// 77 permission, 78 configuration.
    init(_ error: GatewayError) {
        switch error {
        case .usage: self = .usage
        case .invalidInput, .conflict, .corruptData: self = .dataError
        case .unknownID, .unknownNumber, .notInitialised: self = .noInput
        case .io(_, _, let code) where code == EACCES || code == EPERM: self = .permission
        case .io: self = .ioError
        case .insecurePermissions, .insecureDirectory: self = .permission
        case .configuration: self = .configuration
        case .registryUnavailable: self = .unavailable
        case .registryAccessDenied: self = .permission
        case .registryDatabaseMissing: self = .noInput
        }
    }
}

/// A command that ended in error: one line for stderr and its exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: SysExit
    var message: String

    var description: String { message }
}

extension CommandFailure {
    init(_ error: GatewayError) {
        self.init(exitCode: SysExit(error), message: error.description)
    }
}

/// Turns library errors into a ``CommandFailure``.
enum CLIError {
    /// Runs a command body; a ``GatewayError`` becomes a ``CommandFailure`` with its exit code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GatewayError {
            throw CommandFailure(error)
        }
    }
}
