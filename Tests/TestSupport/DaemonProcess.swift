import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `trackerd run` as a child process, its stdout and stderr appended to a log file.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    private let logHandle: FileHandle

    public init(arguments: [String], log: URL, environment: [String: String] = [:]) throws {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        logHandle = try FileHandle(forWritingTo: log)
        logHandle.seekToEndOfFile()
        process.executableURL = ProcessRunner.executable("trackerd")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
    }

    deinit { try? logHandle.close() }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public func kill(signal: Int32) {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; its exit status, or nil when it is still running at the deadline.
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        guard await poll(timeout: timeout, { [self] in !process.isRunning }) else { return nil }
        return process.terminationStatus
    }

    /// The same for clean-up paths that cannot await.
    public func waitForExitBlocking(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Whether the process was ended by a signal rather than exiting.
    public var wasKilledBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }
}

