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

    @Test func standardErrorIsTheJournalOnlyWhenDeviceAndInodeMatch() throws {
        var info = stat()
        try #require(fstat(STDERR_FILENO, &info) == 0)
        #expect(JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: [:]))
    }
}
