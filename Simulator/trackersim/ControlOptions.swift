import ArgumentParser
import Foundation
import Simulator

/// What every client subcommand shares: where the control socket is, and how to print.
struct ControlOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The simulator's control socket (default: $TRACKERSIM_CONTROL).", valueName: "path"))
    var control: String?

    @Flag(help: "Print the simulator's JSON reply as it came.")
    var json = false

    func validate() throws {
        guard socketPath != nil else {
            throw ValidationError("no control socket: give --control PATH or set TRACKERSIM_CONTROL")
        }
    }

    var socketPath: String? {
        control ?? ProcessInfo.processInfo.environment["TRACKERSIM_CONTROL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Sends one request and returns the reply; a refusal or an unreachable socket is one line on
    /// stderr and a sysexits code (65 refused, 69 no simulator there).
    func send(_ request: JSONValue) throws -> JSONValue {
        let reply: JSONValue
        do {
            reply = try SimulatorControlClient(path: socketPath ?? "").request(request)
        } catch {
            FileHandle.standardError.write(Data("trackersim: \(error)\n".utf8))
            throw ExitCode(69)
        }
        if json { print(reply.jsonLine) }
        guard reply["ok"] == true else {
            if !json {
                let message = reply["error"]?.stringValue ?? "request refused"
                FileHandle.standardError.write(Data("trackersim: \(message)\n".utf8))
            }
            throw ExitCode(65)
        }
        return reply
    }
}
