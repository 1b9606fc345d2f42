import Foundation

/// The real `trackerd run` as a child process on a simulator link, with /proc probes.
final class DaemonProcess {
    let process = Process()
    let logPath: String

    /// Starts `trackerd run` on `dataDirectory` and `device`, rate limits raised out of the way.
    convenience init(executable: String, dataDirectory: URL, device: String, ownNumber: String, receive: String, logLevel: String, logPath: String,
                     registry: String? = nil) throws {
        try self.init(executable: executable, dataDirectory: dataDirectory, modems: [(device, ownNumber)], receive: receive, logLevel: logLevel,
                      logPath: logPath, registry: registry)
    }

    /// The same for a pool: one `--modem DEVICE=NUMBER` each.
    init(executable: String, dataDirectory: URL, modems: [(device: String, number: String)], receive: String, logLevel: String, logPath: String,
         registry: String? = nil) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "run", "--data-dir", dataDirectory.path,
        ] + modems.flatMap { ["--modem", "\($0.device)=\($0.number)"] } + [
            "--tracker-per-hour", "100000000", "--tracker-burst", "1000000",
            "--phone-per-hour", "100000000", "--phone-burst", "1000000",
            "--receive", receive, "--log-level", logLevel,
        ] + (registry.map { ["--registry", $0] } ?? [])
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw BenchFailure("cannot start \(executable): \(error)")
        }
    }

    var probe: ProcessProbe { ProcessProbe(pid: process.processIdentifier) }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then waits up to 12 s for the graceful shutdown (SIGKILL after that); says how long
    /// it took when that was more than a second.
    func stop() {
        guard process.isRunning else { return }
        let start = ContinuousClock.now
        process.terminate()
        let deadline = start + .seconds(12)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            FileHandle.standardError.write(Data("trackerd-bench: trackerd did not stop within 12 s of SIGTERM; killing it. Its last lines:\n\(logTail(lines: 8))\n".utf8))
            kill(process.processIdentifier, SIGKILL)
        } else {
            let took = ContinuousClock.now - start
            if took > .seconds(1) { print(String(format: "   note: trackerd took %.1f s to exit after SIGTERM", took.seconds)) }
        }
        process.waitUntilExit()
    }

    /// The last lines of its stderr, to explain a failure.
    func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
