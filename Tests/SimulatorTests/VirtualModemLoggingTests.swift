import ATModem
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
@testable import Simulator

/// Keeps every log record, message and metadata, as text.
struct CollectingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        store.records.withLock { $0.append("\(event.message) \(all)") }
    }
}

final class LogStore: Sendable {
    let records = Mutex<[String]>([])
    var lines: [String] { records.withLock { $0 } }
}

/// Privacy invariant 6: the modem's debug log carries command names and sizes, never a body.
@Suite struct VirtualModemLoggingTests {
    @Test func debugLogNeverCarriesPDUsTextsPinsOrNumbers() throws {
        let store = LogStore()
        let logger = Logger(label: "privacy") { _ in CollectingLogHandler(store: store) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vmodem-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("modem").path
        let network = RecordingNetwork()
        let modem = VirtualModem(configuration: VirtualModemConfiguration(number: "+15550001111", pin: "8642"), logger: logger,
                                 scheduler: ManualModemScheduler())
        modem.attach(network: network)
        try modem.start(link: link)
        defer { modem.stop() }
        let client = try PtyClient(path: link)
        _ = try client.command("ATE0")
        _ = try client.command("AT+CPIN=\"8642\"")
        _ = try client.command("AT+CSCA=\"+15559990000\"")
        _ = try client.command("AT+CNMI=2,1")

        let submit = Samples.submit("SECRET-OUTGOING")
        let (hex, length) = Samples.submitHex(submit)
        try client.send("AT+CMGS=\(length)")
        _ = try client.read(until: "> ")
        try client.write(hex + "\u{1A}")
        _ = try client.readResponse()

        let incoming = Samples.deliver("SECRET-INCOMING lat:52.52", from: "+15550002222")
        modem.deliver(incoming)
        _ = try client.read(until: "+CMTI")
        let read = try client.command("AT+CMGR=1")
        let incomingHex = try #require(Samples.pduLine(after: "+CMGR:", in: read))

        let log = store.lines.joined(separator: "\n")
        #expect(log.contains("+CMGS=\(length)"))  // the log is there and useful
        #expect(log.contains("PDU \(length) octets"))
        for secret in ["SECRET", "8642", "15550002222", "15550003333", "15559990000", hex, incomingHex,
                       String(hex.dropFirst(2).prefix(20)), String(incomingHex.suffix(20))] {
            #expect(!log.contains(secret), "log leaks \(secret.prefix(6))…")
        }
    }
}
