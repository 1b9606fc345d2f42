import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Log lines for journald's stdout/stderr stream: `<N>` syslog priority first, no timestamp.
///
/// sd-daemon(3) — a line written to a journal stream that starts with `<N>` is logged at that
/// priority; systemd.exec(5) `$JOURNAL_STREAM` — `device:inode` of that stream, so a daemon can
/// tell whether its stderr still goes to the journal (it might have been redirected). journald
/// stamps each line itself. The metadata are what the daemon logs anyway: ids, masked numbers.
public struct JournalLogHandler: LogHandler {
    public static let streamVariable = "JOURNAL_STREAM"

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    public init(logLevel: Logger.Level, write: @escaping @Sendable (String) -> Void = JournalLogHandler.writeToStandardError) {
        self.logLevel = logLevel
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        write(Self.line(level: event.level, message: "\(event.message)", metadata: merged))
    }

    /// `<6>modem ready device=/dev/ttyUSB2 modem=+49•••••0001`, one line whatever the message holds.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var text = "<\(priority(level))>\(message)"
        for key in metadata.keys.sorted() {
            text += " \(key)=\(metadata[key].map { "\($0)" } ?? "")"
        }
        return text.replacingOccurrences(of: "\n", with: " ") + "\n"
    }

    /// syslog(3) priorities: swift-log's `notice` and `critical` have their own; `trace` is debug.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// Whether standard error is the journal stream `$JOURNAL_STREAM` names (same device and inode).
    public static func standardErrorIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment[streamVariable] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// One `write(2)` per line, so lines from several threads never interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
