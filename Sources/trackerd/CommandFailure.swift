import ArgumentParser
import Foundation

/// A command that ended in error: one line for stderr and a sysexits(3) code.
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: SysExit
    var message: String

    var description: String { message }
}

/// The exit codes trackerd uses (sysexits.h).
enum SysExit: Int32 {
    case ok = 0
    case findings = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case ioError = 74
    case permission = 77
}

extension Trackerd {
    /// Parses, runs, and turns failures into one stderr line and an exit code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("trackerd: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode.rawValue)
        } catch {
            // Usage errors (exit 64) and --help come from ArgumentParser.
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(SysExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
