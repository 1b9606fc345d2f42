import Foundation

/// The real `trackerd run` as a child process on a simulator link, with /proc probes.
final class DaemonProcess {
    let process = Process()
    let logPath: String

    /// Starts `trackerd run` on `dataDirectory` and `device`, rate limits raised out of the way.
    init(executable: String, dataDirectory: URL, device: String, ownNumber: String, receive: String, logLevel: String, logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "run", "--data-dir", dataDirectory.path, "--device", device, "--own-number", ownNumber,
            "--tracker-per-hour", "100000000", "--tracker-burst", "1000000",
            "--phone-per-hour", "100000000", "--phone-burst", "1000000",
            "--receive", receive, "--log-level", logLevel,
        ]
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw BenchFailure("cannot start \(executable): \(error)")
        }
    }

    var probe: ProcessProbe { ProcessProbe(pid: process.processIdentifier) }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then waits up to 10 s for the graceful shutdown; SIGKILL after that.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            FileHandle.standardError.write(Data("trackerd-bench: trackerd did not stop on SIGTERM; killing it\n".utf8))
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// The last lines of its stderr, to explain a failure.
    func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
