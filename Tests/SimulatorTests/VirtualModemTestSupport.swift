import TestSupport
import ATModem
import Foundation
import Logging
import Synchronization
@testable import Simulator

/// Timers the test fires itself: nothing waits on the wall clock for a timeout.
final class ManualModemScheduler: ModemScheduler {
    private let pending = Mutex<[(delay: Duration, work: @Sendable () -> Void)]>([])

    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append((delay, work)) }
    }

    var delays: [Duration] { pending.withLock { $0.map(\.delay) } }

    /// Runs the oldest timer with that delay; false when there is none.
    @discardableResult
    func fire(delay: Duration) -> Bool {
        let work = pending.withLock { pending -> (@Sendable () -> Void)? in
            guard let index = pending.firstIndex(where: { $0.delay == delay }) else { return nil }
            return pending.remove(at: index).work
        }
        work?()
        return work != nil
    }
}

/// A network that records what the modem submitted and answers when told to.
final class RecordingNetwork: NetworkSide {
    struct Submission: Sendable {
        var submit: SMSSubmit
        var messageReference: UInt8
        var from: String
        var completion: @Sendable (SubmitOutcome) -> Void
    }

    private let submissions = Mutex<[Submission]>([])
    /// Answer at once with this outcome; `nil` keeps the completion for `complete(_:)`.
    let immediateOutcome: SubmitOutcome?

    init(immediateOutcome: SubmitOutcome? = .accepted) {
        self.immediateOutcome = immediateOutcome
    }

    func modemSubmitted(_ submit: SMSSubmit, messageReference: UInt8, from modemNumber: String,
                        completion: @escaping @Sendable (SubmitOutcome) -> Void) {
        submissions.withLock {
            $0.append(Submission(submit: submit, messageReference: messageReference, from: modemNumber,
                                 completion: completion))
        }
        if let immediateOutcome { completion(immediateOutcome) }
    }

    var submitted: [Submission] { submissions.withLock { $0 } }

    func complete(_ outcome: SubmitOutcome) {
        submissions.withLock { $0.last }?.completion(outcome)
    }
}

struct ClientTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var received: String
    var description: String { "waited for \(waitingFor.debugDescription), got \(received.debugDescription)" }
}

/// An AT client on the pty's far end, through ATModem's termios transport.
final class PtyClient {
    let transport: TermiosTransport
    private var buffer: [UInt8] = []

    init(path: String) throws {
        transport = try TermiosTransport(path: path)
    }

    deinit { transport.close() }

    func write(_ text: String) throws {
        try transport.write(Array(text.utf8))
    }

    func send(_ line: String) throws {
        try write(line + "\r")
    }

    /// Everything up to and including the first `marker`.
    func read(until marker: String, within limit: Duration = .seconds(10)) throws -> String {
        let needle = Array(marker.utf8)
        return try read(within: limit, waitingFor: marker) { bytes in
            Self.firstRange(of: needle, in: bytes).map { $0 + needle.count }
        }
    }

    /// Everything up to and including the final result line (OK, ERROR, +CME/+CMS ERROR).
    func readResponse(within limit: Duration = .seconds(10)) throws -> String {
        try read(within: limit, waitingFor: "final result code") { bytes in
            var lineStart = 0
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == 0x0D && bytes[index + 1] == 0x0A {
                    let line = String(decoding: bytes[lineStart..<index], as: UTF8.self)
                    if line == "OK" || line == "ERROR" || line.hasPrefix("+CME ERROR") || line.hasPrefix("+CMS ERROR") {
                        return index + 2
                    }
                    lineStart = index + 2
                    index += 2
                } else {
                    index += 1
                }
            }
            return nil
        }
    }

    func command(_ line: String) throws -> String {
        try send(line)
        return try readResponse()
    }

    private static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where Array(bytes[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }

    private func read(within limit: Duration, waitingFor: String, end: ([UInt8]) -> Int?) throws -> String {
        let deadline = ContinuousClock.now + limit
        while true {
            if let count = end(buffer) {
                let consumed = Array(buffer.prefix(count))
                buffer.removeFirst(count)
                return String(decoding: consumed, as: UTF8.self)
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw ClientTimeout(waitingFor: waitingFor, received: String(decoding: buffer, as: UTF8.self))
            }
            buffer += try transport.read(maxCount: 4096, timeout: remaining)
        }
    }
}

/// A started `VirtualModem` on a link in a fresh temporary directory.
final class ModemFixture {
    let directory: URL
    let link: String
    let scheduler = ManualModemScheduler()
    let network: RecordingNetwork
    let modem: VirtualModem

    init(_ configuration: VirtualModemConfiguration = VirtualModemConfiguration(number: "+15550001111"),
         network: RecordingNetwork = RecordingNetwork()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vmodem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        link = directory.appendingPathComponent("modem").path
        self.network = network
        var logger = Logger(label: "test.virtual-modem")
        logger.logLevel = .debug
        modem = VirtualModem(configuration: configuration, logger: logger, scheduler: scheduler)
        modem.attach(network: network)
        try modem.start(link: link)
    }

    /// A client with echo already off.
    func client(echoOff: Bool = true) throws -> PtyClient {
        let client = try PtyClient(path: link)
        if echoOff { _ = try client.command("ATE0") }
        return client
    }

    deinit {
        modem.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
