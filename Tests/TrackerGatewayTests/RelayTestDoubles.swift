import Foundation
import Logging
@testable import TrackerGateway

/// A clock that moves only when a test says so; sleepers wake when it passes their deadline.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Int: Sleeper] = [:]
    private var cancelledBeforeSleeping: Set<Int> = []
    private var nextSleeperID = 0
    private var sleeperWaiters: [(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    /// Deadlines of everyone asleep now, earliest first.
    var pendingDeadlines: [Instant] { lock.withLock { sleepers.values.map(\.deadline).sorted() } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id: Int = lock.withLock {
            nextSleeperID += 1
            return nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, cancelled, waiters): (Bool, Bool, [CheckedContinuation<Void, Never>]) = lock.withLock {
                    if cancelledBeforeSleeping.remove(id) != nil { return (false, true, []) }
                    if deadline <= current { return (true, false, []) }
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, false, takeSatisfiedWaiters())
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if resumeNow { continuation.resume() }
                for waiter in waiters { waiter.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = lock.withLock {
                if let sleeper = sleepers.removeValue(forKey: id) { return sleeper }
                cancelledBeforeSleeping.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        let due: [Sleeper] = lock.withLock {
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.value.deadline <= current }
            for id in due.keys { sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    func advance(to instant: Instant) {
        advance(by: now.duration(to: instant))
    }

    /// Returns once at least `count` tasks sleep on this clock, or when the test is cancelled
    /// (its time limit), so a broken relay fails the test instead of hanging it.
    func waitForSleepers(count: Int) async {
        let id: Int = lock.withLock {
            nextSleeperID += 1
            return nextSleeperID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready: Bool = lock.withLock {
                    if sleepers.count >= count || Task.isCancelled { return true }
                    sleeperWaiters.append((id, count, continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
                guard let index = sleeperWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return sleeperWaiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    private func takeSatisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
        let satisfied = sleeperWaiters.filter { $0.count <= sleepers.count }
        sleeperWaiters.removeAll { $0.count <= sleepers.count }
        return satisfied.map(\.continuation)
    }
}

/// A modem that records what it is asked to send and delete, and refuses when told to.
actor InMemoryRelayModem: RelayModem {
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

    func send(text: String, to number: String, ucs2: Bool) async throws -> [Int] {
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

    func deleteStored(indices: [Int]) async throws {
        deleted.append(indices)
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
actor InMemorySenderDirectory: SenderDirectory {
    struct Tracker: Sendable {
        var trackerID: Int64
        var customerID: Int64
        var number: String
        var model: TrackerModel
        var password: String
        var label: String?
    }

    private var phones: [PhoneRoute]
    private var trackers: [Tracker]
    private(set) var consentChanges: [(phoneID: Int64, consents: Bool)] = []
    private var lookupFailuresLeft = 0

    struct Unavailable: Error {}

    init(phones: [PhoneRoute], trackers: [Tracker]) {
        self.phones = phones
        self.trackers = trackers
    }

    func failLookups(_ times: Int) { lookupFailuresLeft = times }

    func consent(ofPhone phoneID: Int64) -> Bool? {
        phones.first { $0.phoneID == phoneID }?.consents
    }

    func role(of sender: String) async throws -> SenderRole {
        if lookupFailuresLeft > 0 {
            lookupFailuresLeft -= 1
            throw Unavailable()
        }
        if let tracker = trackers.first(where: { $0.number == sender }) {
            return .tracker(route(tracker))
        }
        if let phone = phones.first(where: { $0.number == sender }) {
            return .phone(phone, trackers: trackers.filter { $0.customerID == phone.customerID }.map(route))
        }
        return .unknown
    }

    func setConsent(phoneID: Int64, consents: Bool) async throws {
        consentChanges.append((phoneID, consents))
        for index in phones.indices where phones[index].phoneID == phoneID {
            phones[index].consents = consents
        }
    }

    private func route(_ tracker: Tracker) -> TrackerRoute {
        TrackerRoute(
            trackerID: tracker.trackerID, customerID: tracker.customerID, number: tracker.number,
            model: tracker.model, password: tracker.password, label: tracker.label,
            phones: phones.filter { $0.customerID == tracker.customerID }
        )
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
