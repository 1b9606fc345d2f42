import SMSCodec
import SerialTransport
import TrackerProfiles
import Dispatch
import Foundation
import Logging

/// The virtual GSM network around the virtual modems: numbers registered as phones or trackers.
///
/// TS 23.040 §4 — the SMSC takes SUBMITs from a modem (acknowledging them after a radio
/// delay), hands them on to the addressed subscriber, and delivers DELIVERs (and status
/// reports) to the modem they are addressed to, holding and retrying what that modem cannot
/// take — each modem in its own queue, so one modem's trouble never holds back another's.
/// A phone keeps every message it got, reassembled; a tracker answers its commands on the
/// modem that sent them and pushes its alarms and reports to every authorised number.
///
/// Thread-safe: state sits behind a lock; everything that calls out to a modem runs on one
/// serial queue, never under the lock, so the modem may call back in.
public final class VirtualNetwork: NetworkSide, @unchecked Sendable {
    /// The modems' own numbers (their SIMs' MSISDNs), in the order they were given.
    public let modemNumbers: [String]
    /// The first modem's number: what the single-modem API means by "the modem".
    public var modemNumber: String { modemNumbers[0] }
    /// The time each SUBMIT takes to be acknowledged.
    public let radioDelay: Duration
    /// How long a refused delivery waits before it is tried again.
    public let redeliveryInterval: Duration

    let logger: Logger
    let now: @Sendable () -> Date
    let queue = DispatchQueue(label: "trackersim.network")
    let lock = NSLock()

    // Everything below is guarded by `lock`.
    var phones: [Phone] = []
    var trackers: [TrackerEntry] = []
    /// One per modem, in `modemNumbers` order: its link, held deliveries and counters.
    var endpoints: [ModemEndpoint]
    /// The last 8-bit concatenation reference each sender used: a phone or tracker numbers its own
    /// long messages (TS 23.040 9.2.3.24.1), so a reference comes round again only after 256 of
    /// that sender's own long messages, never after 256 of the network's.
    var lastConcatenationReference: [String: Int] = [:]
    var stats = NetworkStats()
    var inboxWaiters: [InboxWaiter] = []
    var nextWaiterID = 0

    /// - Parameters:
    ///   - now: the wall clock trackers print in their replies and the SMSC stamps (injectable for tests).
    public convenience init(
        modemNumber: String, radioDelay: Duration = .zero, redeliveryInterval: Duration = .milliseconds(500),
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(modemNumbers: [modemNumber], radioDelay: radioDelay, redeliveryInterval: redeliveryInterval, logger: logger, now: now)
    }

    /// A network for several modems; `modemNumbers` must not be empty or name a number twice.
    public init(
        modemNumbers: [String], radioDelay: Duration = .zero, redeliveryInterval: Duration = .milliseconds(500),
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        precondition(!modemNumbers.isEmpty, "a network needs a modem")
        self.modemNumbers = modemNumbers
        self.endpoints = modemNumbers.map { ModemEndpoint(number: $0) }
        self.radioDelay = radioDelay
        self.redeliveryInterval = redeliveryInterval
        self.logger = logger
        self.now = now
    }

    // MARK: Subscribers

    /// Registers a phone; registering the same number again keeps its inbox.
    public func addPhone(_ number: String) throws(SimulationError) {
        try checkNumber(number, operation: "add phone")
        try withLock { () throws(SimulationError) in
            if trackers.contains(where: { PhoneNumbers.same($0.tracker.number, number) }) {
                throw SimulationError(path: number, operation: "add phone", detail: "number is registered as a tracker")
            }
            if !phones.contains(where: { PhoneNumbers.same($0.number, number) }) {
                phones.append(Phone(number: number))
            }
        }
    }

    /// Registers a tracker, replacing any tracker with the same number.
    public func addTracker(_ configuration: VirtualTrackerConfiguration, startingAt start: ContinuousClock.Instant = .now)
        throws(SimulationError)
    {
        try checkNumber(configuration.number, operation: "add tracker")
        try withLock { () throws(SimulationError) in
            if phones.contains(where: { PhoneNumbers.same($0.number, configuration.number) }) {
                throw SimulationError(path: configuration.number, operation: "add tracker", detail: "number is registered as a phone")
            }
            trackers.removeAll { PhoneNumbers.same($0.tracker.number, configuration.number) }
            let firstReport = configuration.reportEvery.map { start + $0 }
            trackers.append(TrackerEntry(tracker: VirtualTracker(configuration), nextReport: firstReport))
        }
    }

    /// The tracker registered at `number`, if any.
    public func tracker(_ number: String) -> VirtualTracker? {
        withLock { trackers.first { PhoneNumbers.same($0.tracker.number, number) }?.tracker }
    }

    /// Moves a tracker; its later replies carry the new position.
    public func moveTracker(_ number: String, to position: TrackerPosition) throws(SimulationError) {
        try withLock { () throws(SimulationError) in
            guard let index = trackers.firstIndex(where: { PhoneNumbers.same($0.tracker.number, number) }) else {
                throw SimulationError(path: number, operation: "move tracker", detail: "no tracker with that number")
            }
            trackers[index].tracker.move(to: position)
        }
    }

    /// Makes a tracker raise an alarm now (`help me!`, `Door alarm!`) to its authorised numbers.
    public func raiseAlarm(tracker number: String, kind: String) throws(SimulationError) {
        let replies = try withLock { () throws(SimulationError) -> [TrackerReply] in
            guard let entry = trackers.first(where: { PhoneNumbers.same($0.tracker.number, number) }) else {
                throw SimulationError(path: number, operation: "raise alarm", detail: "no tracker with that number")
            }
            return entry.tracker.alarm(kind, at: now())
        }
        route(replies, from: number)
    }

    /// Makes a tracker send its unprompted report now, as its schedule would, to its authorised numbers.
    public func sendReport(tracker number: String) throws(SimulationError) {
        let replies = try withLock { () throws(SimulationError) -> [TrackerReply] in
            guard let index = trackers.firstIndex(where: { PhoneNumbers.same($0.tracker.number, number) }) else {
                throw SimulationError(path: number, operation: "send report", detail: "no tracker with that number")
            }
            return trackers[index].tracker.scheduledReport(at: now())
        }
        route(replies, from: number)
    }

    /// A phone's inbox, oldest first; nil when `number` is not a registered phone.
    public func inbox(of number: String) -> [InboxMessage]? {
        withLock { phones.first { PhoneNumbers.same($0.number, number) }?.inbox }
    }

    /// Waits until the phone's inbox holds at least `count` messages or `timeout` passes;
    /// returns the inbox as it is then (nil when the number is not a registered phone).
    public func waitForInbox(of number: String, count: Int, timeout: Duration) async -> [InboxMessage]? {
        let id: Int? = withLock {
            guard let inbox = phones.first(where: { PhoneNumbers.same($0.number, number) })?.inbox, inbox.count < count else {
                return nil
            }
            nextWaiterID += 1
            return nextWaiterID
        }
        guard let id else { return inbox(of: number) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            withLock { inboxWaiters.append(InboxWaiter(id: id, number: number, count: count, continuation: continuation)) }
            wakeInboxWaiters()
            queue.asyncAfter(deadline: .now() + timeout.timeInterval) { [self] in
                let waiter = withLock { () -> InboxWaiter? in
                    guard let index = inboxWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return inboxWaiters.remove(at: index)
                }
                waiter?.continuation.resume()
            }
        }
        return inbox(of: number)
    }

    /// The counters so far, summed over every modem.
    public var statistics: NetworkStats {
        withLock {
            var copy = stats
            copy.pendingDeliveries = endpoints.reduce(0) { $0 + $1.pending.count }
            return copy
        }
    }

    /// Forgets every phone, tracker, pending delivery and counter.
    public func reset() {
        let waiters = withLock { () -> [InboxWaiter] in
            phones = []
            trackers = []
            for index in endpoints.indices {
                endpoints[index].pending = []
                endpoints[index].traffic = NetworkStats()
            }
            stats = NetworkStats()
            defer { inboxWaiters = [] }
            return inboxWaiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    // MARK: Scheduled reports

    /// Sends the reports of every tracker whose interval has passed at `now`; returns when the
    /// next one is due (nil when no tracker reports on a schedule).
    @discardableResult
    public func sendScheduledReports(at instant: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let (due, next) = withLock { () -> ([(String, [TrackerReply])], ContinuousClock.Instant?) in
            var due: [(String, [TrackerReply])] = []
            let date = now()
            for index in trackers.indices {
                guard let dueAt = trackers[index].nextReport, let every = trackers[index].tracker.configuration.reportEvery,
                    dueAt <= instant
                else { continue }
                due.append((trackers[index].tracker.number, trackers[index].tracker.scheduledReport(at: date)))
                // A late wake-up sends one report, not a burst to catch up.
                let following = dueAt + every
                trackers[index].nextReport = following > instant ? following : instant + every
            }
            return (due, trackers.compactMap(\.nextReport).min())
        }
        for (number, replies) in due { route(replies, from: number) }
        return next
    }

    // MARK: Helpers

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func checkNumber(_ number: String, operation: String) throws(SimulationError) {
        guard PhoneNumbers.isPlausible(number) else {
            throw SimulationError(path: number, operation: operation, detail: "not a phone number")
        }
        guard !modemNumbers.contains(where: { PhoneNumbers.same(number, $0) }) else {
            throw SimulationError(path: number, operation: operation, detail: "that is a modem's own number")
        }
    }

    /// Resumes every waiter whose phone now has enough messages.
    func wakeInboxWaiters() {
        let ready = withLock { () -> [InboxWaiter] in
            var ready: [InboxWaiter] = []
            inboxWaiters.removeAll { waiter in
                let count = phones.first { PhoneNumbers.same($0.number, waiter.number) }?.inbox.count ?? 0
                if count >= waiter.count {
                    ready.append(waiter)
                    return true
                }
                return false
            }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }
}

/// A registered phone and what it received.
struct Phone {
    var number: String
    var inbox: [InboxMessage] = []
    var reassembler = Reassembler<Int, ContinuousClock.Instant>(capacity: 64, maxAge: .seconds(3600))
}

/// A registered tracker, the parts of commands it is still waiting for, and its report schedule.
struct TrackerEntry {
    var tracker: VirtualTracker
    var nextReport: ContinuousClock.Instant?
    var reassembler = Reassembler<Int, ContinuousClock.Instant>(capacity: 16, maxAge: .seconds(3600))
}

/// Where the network hands things to one modem.
struct ModemLink {
    var deliver: @Sendable (SMSDeliver) -> DeliveryOutcome
    var deliverStatusReport: @Sendable (SMSStatusReport) -> DeliveryOutcome
}

/// Something waiting to be handed to the modem.
enum ModemBound {
    case deliver(SMSDeliver)
    case statusReport(SMSStatusReport)
}

/// A test or client waiting for a phone's inbox to fill.
struct InboxWaiter {
    var id: Int
    var number: String
    var count: Int
    var continuation: CheckedContinuation<Void, Never>
}

extension Duration {
    /// Seconds as a Double, for Dispatch deadlines.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
