import ArgumentParser
import TrackerGateway
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a library error into one line on stderr and a sysexits(3) exit code.
enum CLIError {
    /// sysexits(3): 64 usage, 65 data, 66 no input / unknown id, 74 I/O, 77 permission.
    static func exitCode(for error: GatewayError) -> Int32 {
        switch error {
        case .usage: return 64            // EX_USAGE
        case .invalidInput, .conflict, .corruptData: return 65  // EX_DATAERR
        case .unknownID, .notInitialised: return 66             // EX_NOINPUT
        case .io(_, _, let code) where code == EACCES || code == EPERM: return 77  // EX_NOPERM
        case .io: return 74               // EX_IOERR
        case .insecurePermissions: return 77                    // EX_NOPERM
        }
    }

    /// Runs a command body; a ``GatewayError`` becomes `trackerd: <message>` on stderr and its exit code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GatewayError {
            writeToStandardError("trackerd: \(error)\n")
            throw ExitCode(exitCode(for: error))
        }
    }

    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
