import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands one message to the host's MTA through the sendmail interface.
///
/// The sendmail(8) contract every MTA keeps: the message on standard input, exit status 0 once the
/// MTA has taken responsibility for it, a sysexits(3) code otherwise. Only exit 0 counts as
/// handed over — a crash, a signal, a timeout or an unwritable pipe never do. The MTA's own output
/// is discarded: it names the recipient, and what we report must not (DESIGN.md invariant 6).
public struct SendmailTransport: Sendable {
    public enum HandOff: Sendable, Equatable, CustomStringConvertible {
        case accepted
        /// The MTA ran and refused: its exit status.
        case refused(status: Int32)
        /// It could not be run, was killed, or took longer than the timeout.
        case failed(reason: String)

        public var description: String {
            switch self {
            case .accepted: return "accepted"
            case .refused(let status): return "the MTA exited \(status)" + (SendmailTransport.meaning(of: status).map { " (\($0))" } ?? "")
            case .failed(let reason): return reason
            }
        }
    }

    public let arguments: [String]
    /// Where the command was configured, for messages (`TRACKERD_MAIL_SENDMAIL`, `mail.sendmail`).
    public let source: String
    /// How long one hand-off may take before the MTA is stopped (an MTA queues; it never needs minutes).
    public let timeout: TimeInterval

    public init(settings: MailSettings, timeout: TimeInterval = 60) {
        arguments = settings.sendmail
        source = settings.sendmailSource
        self.timeout = timeout
    }

    /// The program to run, found on `PATH` when the command names no directory; a configuration
    /// error when it is missing or not executable, so nothing is sent by half.
    public func executable(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let program = arguments[0]
        let candidates = program.contains("/")
            ? [program]
            : (environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":").map { "\($0)/\(program)" }
        guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw GatewayError.configuration(key: source == "default" ? MailSettings.sendmailKey : source, reason: "\(program) does not exist or is not executable; install an MTA (e.g. Debian's msmtp-mta or postfix) or set \(MailSettings.sendmailVariable)")
        }
        return URL(fileURLWithPath: found)
    }

    /// Runs the command once with `message` on its standard input.
    public func handOff(_ message: String) -> HandOff {
        SendmailTransport.ignoreBrokenPipes
        let program: URL
        do { program = try executable() } catch { return .failed(reason: "\(error)") }
        let process = Process()
        process.executableURL = program
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do {
            try process.run()
        } catch {
            return .failed(reason: "\(program.path) could not be started")
        }
        // A notice is a few kilobytes, far below a pipe's buffer: the write never waits on the MTA.
        var written = true
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(message.utf8))
        } catch {
            written = false
        }
        try? input.fileHandleForWriting.close()
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if ended.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                ended.wait()
            }
            return .failed(reason: "the MTA did not finish within \(Int(timeout)) s and was stopped")
        }
        if process.terminationReason == .uncaughtSignal {
            return .failed(reason: "the MTA was killed by signal \(process.terminationStatus)")
        }
        guard written else { return .failed(reason: "the MTA exited before reading the whole message") }
        return process.terminationStatus == 0 ? .accepted : .refused(status: process.terminationStatus)
    }

    /// A write to an MTA that already exited must be an error, not the end of trackerd.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// What a sysexits(3) status means, as MTAs use them.
    static func meaning(of status: Int32) -> String? {
        [64: "usage error", 65: "data error", 66: "no input", 67: "addressee unknown", 68: "host name unknown",
         69: "service unavailable", 70: "internal software error", 71: "system error", 72: "critical OS file missing",
         73: "cannot create output file", 74: "I/O error", 75: "temporary failure", 76: "remote protocol error",
         77: "permission denied", 78: "MTA configuration error"][status]
    }
}
