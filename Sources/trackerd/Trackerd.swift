import ArgumentParser
import Foundation

struct Trackerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackerd",
        abstract: "A privacy-first SMS gateway for vehicle GPS trackers.",
        subcommands: [
            Init.self,
            Customer.self,
            Phone.self,
            Tracker.self,
            Retention.self,
            Audit.self,
            Notify.self,
            Request.self,
            Breach.self,
            PrivacyCheckCommand.self,
            PrivacyReportCommand.self,
            Config.self,
            Gateway.self,
            Ports.self,
            PDU.self,
            Run.self,
            Demo.self,
            Status.self,
        ]
    )
}

@main
enum TrackerdMain {
    /// Parses, runs, and turns failures into one stderr line and an exit code.
    static func main() async {
        do {
            var command = try Trackerd.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("trackerd: \(failure.message)\n".utf8))
            exit(failure.exitCode.rawValue)
        } catch {
            // Usage errors (exit 64) and --help come from ArgumentParser.
            if Trackerd.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((Trackerd.fullMessage(for: error) + "\n").utf8))
                exit(SysExit.usage.rawValue)
            }
            Trackerd.exit(withError: error)
        }
    }
}
