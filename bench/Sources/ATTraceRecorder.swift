import Foundation
import Logging
import Synchronization

/// Counts the AT command lines the virtual modem answered and the commands in them, and timestamps the two lines that bound a
/// relay's own work: the modem's `+CMTI` (message stored) and the `AT+CMGS` that relays it.
///
/// The virtual modem traces each command it executes at debug level as "AT AT<name>…" and each
/// URC as "AT URC <name>" (names and lengths only, never a body), so a log handler is enough:
/// nothing in the simulator had to change to be measured.
final class ATTraceRecorder: Sendable {
    private struct State {
        var commands = 0
        var commandLines = 0
        var byName: [String: Int] = [:]
        var recording = false
        var stored: [ContinuousClock.Instant] = []
        var submitted: [ContinuousClock.Instant] = []
        var recent: [String] = []
    }

    private let state = Mutex(State())

    /// Commands executed since the modem was created.
    var commandCount: Int { state.withLock { $0.commands } }

    /// Command lines answered (one final result each, so a bare `AT`, which names no command,
    /// counts too).
    var commandLineCount: Int { state.withLock { $0.commandLines } }

    /// Commands by name (without arguments) since the modem was created.
    var commandsByName: [String: Int] { state.withLock { $0.byName } }

    /// Starts collecting `+CMTI` and `+CMGS` instants (for the sequential latency run only).
    func startRecording() {
        state.withLock {
            $0.recording = true
            $0.stored = []
            $0.submitted = []
        }
    }

    /// Stops collecting; returns the `+CMTI` and `AT+CMGS` instants seen in the meantime.
    func stopRecording() -> (stored: [ContinuousClock.Instant], submitted: [ContinuousClock.Instant]) {
        state.withLock {
            $0.recording = false
            return ($0.stored, $0.submitted)
        }
    }

    /// The last trace lines (names, lengths and results only), to explain a stall.
    var recentTrace: [String] { state.withLock { $0.recent } }

    func record(_ message: String, at instant: ContinuousClock.Instant) {
        state.withLock {
            $0.recent.append(message)
            if $0.recent.count > 4000 { $0.recent.removeFirst(2000) }
        }
        guard message.hasPrefix("AT ") else { return }
        let text = message.dropFirst(3)
        if text.hasPrefix("AT") {
            let name = String(text.prefix { $0 != "=" && $0 != "?" })
            state.withLock {
                $0.commands += 1
                $0.byName[name, default: 0] += 1
                if $0.recording, name == "AT+CMGS" { $0.submitted.append(instant) }
            }
        } else if text.hasPrefix("-> ") {
            state.withLock { $0.commandLines += 1 }
        } else if text.hasPrefix("URC +CMTI") {
            state.withLock { if $0.recording { $0.stored.append(instant) } }
        }
    }

    /// A logger whose debug lines feed this recorder (and go nowhere else).
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in ATTraceHandler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }
}

/// The log handler behind ``ATTraceRecorder/logger(label:)``.
struct ATTraceHandler: LogHandler {
    let recorder: ATTraceRecorder
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record(event.message.description, at: .now)
    }
}
