import TestSupport
import Foundation
import Logging
import Synchronization
@testable import TrackerGateway

/// A modem that records what it is asked to send and delete, and refuses when told to.
actor InMemoryRelayModem: RelayPort {
    struct Submission: Equatable, Sendable {
        var text: String
        var to: String
        var ucs2: Bool
    }

    struct Refused: Error, Equatable {}

    /// Every accepted send, in order.
    private(set) var sent: [Submission] = []
    /// Every send tried, accepted or not.
    private(set) var attempted: [Submission] = []
    /// Every delete, in order.
    private(set) var deleted: [[Int]] = []
    private var failuresLeft: [String: Int] = [:]
    private var nextReference = 0
    private var waiters: [(id: Int, condition: @Sendable (Int, Int) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextWaiterID = 0

    /// The next `times` sends to `number` are refused.
    func fail(_ times: Int, sendsTo number: String) {
        failuresLeft[number, default: 0] += times
    }

    /// Every release (parts given back without a delete), in order.
    nonisolated var released: [[Int]] { releasedSlots.withLock { $0 } }
    private nonisolated let releasedSlots = Mutex<[[Int]]>([])

    nonisolated var taskExecutor: (any TaskExecutor)? { nil }

    nonisolated func release(_ slots: [StoredSlot]) {
        releasedSlots.withLock { $0.append(slots.map(\.index)) }
    }

    func send(text: String, to number: String, ucs2: Bool, purpose: SendPurpose) async throws -> [Int] {
        let submission = Submission(text: text, to: number, ucs2: ucs2)
        attempted.append(submission)
        defer { wakeWaiters() }
        if let left = failuresLeft[number], left > 0 {
            failuresLeft[number] = left - 1
            throw Refused()
        }
        sent.append(submission)
        nextReference += 1
        return [nextReference]
    }

    func deleteStored(_ slots: [StoredSlot]) async throws {
        deleted.append(slots.map(\.index))
        wakeWaiters()
    }

    /// Returns once `deleted.count >= count`.
    func waitForDeletes(_ count: Int) async {
        await wait { _, deletes in deletes >= count }
    }

    /// Returns once `attempted.count >= count`.
    func waitForAttempts(_ count: Int) async {
        await wait { attempts, _ in attempts >= count }
    }

    private func wait(until condition: @escaping @Sendable (Int, Int) -> Bool) async {
        if condition(attempted.count, deleted.count) { return }
        nextWaiterID += 1
        let id = nextWaiterID
        // Cancelled by the test's time limit: give up waiting so the test fails, not hangs.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters.append((id, condition, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume()
    }

    private func wakeWaiters() {
        let attempts = attempted.count
        let deletes = deleted.count
        let ready = waiters.filter { $0.condition(attempts, deletes) }
        waiters.removeAll { $0.condition(attempts, deletes) }
        for waiter in ready { waiter.continuation.resume() }
    }
}

/// A registry in memory: customers' phones and trackers, looked up by exact number.
final class InMemorySenderDirectory: SenderDirectory {
    struct Tracker: Sendable {
        var trackerID: Int64
        var customerID: Int64
        var number: String
        var model: TrackerModel
        var password: String
        var label: String?
    }

    private struct State {
        var phones: [PhoneRoute]
        var trackers: [Tracker]
        var consentChanges: [(phoneID: Int64, consents: Bool)] = []
        var lookupFailuresLeft = 0
        /// The ledger's next answers (then `.mine(ticket: nil)`, as one gateway's registry answers).
        var claimAnswers: [RelayClaim] = []
        var markedRelayed: [RelayClaim.Ticket] = []
    }

    private let state: Mutex<State>

    struct Unavailable: Error {}

    init(phones: [PhoneRoute], trackers: [Tracker]) {
        state = Mutex(State(phones: phones, trackers: trackers))
    }

    var consentChanges: [(phoneID: Int64, consents: Bool)] { state.withLock { $0.consentChanges } }

    func failLookups(_ times: Int) { state.withLock { $0.lookupFailuresLeft = times } }

    /// What the shared ledger answers the next claims.
    func answerClaims(_ answers: [RelayClaim]) { state.withLock { $0.claimAnswers = answers } }

    var markedRelayed: [RelayClaim.Ticket] { state.withLock { $0.markedRelayed } }

    func claimRelay(of message: IncomingMessage) throws -> RelayClaim {
        state.withLock { state in state.claimAnswers.isEmpty ? .mine(ticket: nil) : state.claimAnswers.removeFirst() }
    }

    func markRelayed(_ ticket: RelayClaim.Ticket) throws {
        state.withLock { $0.markedRelayed.append(ticket) }
    }

    func consent(ofPhone phoneID: Int64) -> Bool? {
        state.withLock { $0.phones.first { $0.phoneID == phoneID }?.consents }
    }

    func role(of sender: String) throws -> SenderRole {
        try state.withLock { state in
            if state.lookupFailuresLeft > 0 {
                state.lookupFailuresLeft -= 1
                throw Unavailable()
            }
            if let tracker = state.trackers.first(where: { $0.number == sender }) {
                return .tracker(Self.route(tracker, phones: state.phones))
            }
            if let phone = state.phones.first(where: { $0.number == sender }) {
                let trackers = state.trackers.filter { $0.customerID == phone.customerID }.map { Self.route($0, phones: state.phones) }
                return .phone(phone, trackers: trackers)
            }
            return .unknown
        }
    }

    func setConsent(phoneID: Int64, consents: Bool) throws {
        state.withLock { state in
            state.consentChanges.append((phoneID, consents))
            for index in state.phones.indices where state.phones[index].phoneID == phoneID {
                state.phones[index].consents = consents
            }
        }
    }

    private static func route(_ tracker: Tracker, phones: [PhoneRoute]) -> TrackerRoute {
        TrackerRoute(
            trackerID: tracker.trackerID, customerID: tracker.customerID, number: tracker.number,
            model: tracker.model, password: tracker.password, label: tracker.label,
            phones: phones.filter { $0.customerID == tracker.customerID }
        )
    }
}

extension ManualClock: RelayClock {
    public func sleep(until deadline: MonotonicInstant) async throws {
        try await sleep(until: deadline, tolerance: nil)
    }
}

/// Everything logged during a test, rendered as it would be printed.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var records: [String] { lock.withLock { lines } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "trackerd.relay.test") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
    }
}
