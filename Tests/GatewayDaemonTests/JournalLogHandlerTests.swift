import Foundation
import GatewayDaemon
import Logging
import Synchronization
import Testing

/// Lines for journald: `<N>` priority first, metadata sorted, one line each.
@Suite struct JournalLogHandlerTests {
    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func eachLevelHasItsSyslogPriority(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(level) == priority)
    }

    @Test func aLineCarriesThePriorityTheMessageAndTheMetadata() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "trackerd") { _ in JournalLogHandler(logLevel: .info) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "modem"] = "+49•••••0001"
        logger.debug("not shown")
        logger.notice("modem ready", metadata: ["device": "/dev/ttyUSB2"])
        logger.error("two\nlines")
        #expect(lines.withLock { $0 } == ["<5>modem ready device=/dev/ttyUSB2 modem=+49•••••0001\n", "<3>two lines modem=+49•••••0001\n"])
    }

    /// Renders its metadata on every change, as StreamLogHandler does, counting the renderings.
    final class Tally: Sendable {
        let renderings = Mutex(0)
        let lines = Mutex<[String]>([])
    }

    struct EagerHandler: LogHandler {
        let tally: Tally
        var logLevel: Logger.Level = .info
        var metadataProvider: Logger.MetadataProvider?
        var metadata: Logger.Metadata = [:] {
            didSet { tally.renderings.withLock { $0 += 1 }; _ = metadata.mapValues(\.description) }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var merged = metadata
            if let own = event.metadata { merged.merge(own) { $1 } }
            tally.lines.withLock { $0.append(JournalLogHandler.line(level: event.level, message: "\(event.message)", metadata: merged)) }
        }
    }

    @Test func deferredMetadataWritesTheWrappedLinesAndRendersOnlyForALineWritten() {
        func run(deferred: Bool) -> (lines: [String], renderings: Int) {
            let tally = Tally()
            var logger = Logger(label: "trackerd") { _ in
                let eager = EagerHandler(tally: tally)
                return deferred ? DeferredMetadataLogHandler(eager) : eager
            }
            for message in 1...3 {
                logger[metadataKey: "message"] = "\(message)"
                logger[metadataKey: "to"] = "+1•••••0001"
                logger.debug("relayed")
            }
            logger.warning("send refused", metadata: ["attempt": "2"])
            return (tally.lines.withLock { $0 }, tally.renderings.withLock { $0 })
        }
        let eager = run(deferred: false), deferred = run(deferred: true)
        #expect(deferred.lines == eager.lines)
        #expect(deferred.lines == ["<4>send refused attempt=2 message=3 to=+1•••••0001\n"])
        #expect(eager.renderings == 6)
        #expect(deferred.renderings == 1)
    }

    @Test func standardErrorIsTheJournalOnlyWhenDeviceAndInodeMatch() throws {
        var info = stat()
        try #require(fstat(STDERR_FILENO, &info) == 0)
        #expect(JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: [:]))
    }
}
