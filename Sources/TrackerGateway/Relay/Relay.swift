import Foundation
import Logging
import Synchronization

/// Routes every incoming SMS by its sender: relays a tracker's text to its owner's phones,
/// answers a phone's keywords, deletes what nobody registered sent.
///
/// DESIGN.md "Receiving and relaying" and invariants 2, 3, 6, 7:
/// - a tracker's text goes unchanged (UCS-2 stays UCS-2) to each consenting phone of its
///   customer — never to a gateway number, the sender, or anyone else;
/// - the message is deleted from modem storage only once every phone accepted it; phones that
///   refused are retried in memory with backoff, phones that accepted are never sent it again;
/// - a message still not accepted `maximumAge` after the gateway received it is dropped and
///   deleted;
/// - a duplicate delivery is deleted, never relayed twice; a message from an unknown number
///   is deleted and counted, its number never logged;
/// - logs carry ids, masked numbers, sizes and outcomes, never a body or a full number.
///
/// The shape (DESIGN.md "Threads"): one relay serves every modem. Its decision for a message —
/// duplicates, the sender look-up, rate limits, consent, whom to send to — is `accept(_:via:)`,
/// synchronous, on the thread of the modem that received the message, with the shared state
/// behind one short lock that is never held across a suspension or a look-up. What the decision
/// asks for (sends, the delete, retries) is `carryOut(_:via:)`, a task on that same modem's
/// executor (`RelayPort.taskExecutor`). So one modem's walk never leaves its thread, and a pool
/// of modems shares duplicates, rate limits and retries through the lock.
///
/// Why the age runs from the receipt: the age is measured from the later of the message's SCTS
/// and the moment the gateway received it. A message cannot reach the gateway before the SMSC
/// stamped it, so the later of the two is the receipt — unless the SMSC clock runs fast, and a
/// fast SMSC clock must not stretch a message's life, so a future SCTS is clamped to the receipt.
/// The relay therefore measures the age from the receipt alone, on its own monotonic clock. That
/// also keeps a slow or mis-zoned SMSC clock, or a box without a real-time clock that boots in
/// 1970, from expiring every message, and it lets a message kept on the SIM over a restart be
/// relayed rather than lost (invariant 2). The tracker's own text carries its fix time.
public final class Relay: Sendable {
    struct InFlight {
        /// Storage of this message and of every duplicate delivery seen meanwhile, by the modem
        /// that holds it: a copy a second modem received is deleted from that modem.
        var storage: [(port: any RelayPort, slots: [StoredSlot])]
        /// This gateway's claim in the shared ledger, marked done when the message is finished.
        var claimTicket: RelayClaim.Ticket?

        init(port: any RelayPort, slots: [StoredSlot]) {
            storage = slots.isEmpty ? [] : [(port, slots)]
        }

        mutating func merge(_ slots: [StoredSlot], on port: any RelayPort) {
            guard !slots.isEmpty else { return }
            if let position = storage.firstIndex(where: { $0.port === port }) {
                for slot in slots where !storage[position].slots.contains(slot) { storage[position].slots.append(slot) }
            } else {
                storage.append((port, slots))
            }
        }

        /// What `port` holds of this message.
        func slots(on port: any RelayPort) -> [StoredSlot] {
            storage.first { $0.port === port }?.slots ?? []
        }
    }

    struct PendingRelay {
        let identity: MessageIdentity
        let text: String
        let isUCS2: Bool
        let receivedAt: MonotonicInstant
        var remaining: [PhoneRoute]
        var delivered = 0
        var retriesScheduled = 0
        var logger: Logger
    }

    struct State {
        var randomNumbers: any RandomNumberGenerator & Sendable
        var counters = RelayCounters()
        var seenMessages: DuplicateFilter<MonotonicInstant>
        var trackerLimiter: RateLimiter<Int64, MonotonicInstant>
        var phoneLimiter: RateLimiter<Int64, MonotonicInstant>
        var inFlight: [MessageIdentity: InFlight] = [:]
        var pending: [UInt64: PendingRelay] = [:]
        var retryTasks: [UInt64: Task<Void, Never>] = [:]
        /// Decisions being carried out (`start(_:via:)`).
        var workTasks: [UInt64: Task<Void, Never>] = [:]
        var lastMessageID: UInt64 = 0
        var isShutDown = false
        /// Trackers being provisioned, whose admin acknowledgement is captured (Relay+Provisioning).
        var adminAcknowledgementWaiters: [Int64: AdminAcknowledgementWaiter] = [:]
    }

    let configuration: RelayConfiguration
    let directory: any SenderDirectory
    let clock: any RelayClock
    let logger: Logger
    let state: Mutex<State>

    /// - Parameter randomNumbers: the source of retry jitter (`RetryPolicy.jitter`).
    public init(
        configuration: RelayConfiguration,
        directory: any SenderDirectory,
        clock: any RelayClock,
        logger: Logger,
        randomNumbers: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.configuration = configuration
        self.directory = directory
        self.clock = clock
        self.logger = logger
        state = Mutex(State(
            randomNumbers: randomNumbers,
            seenMessages: DuplicateFilter(capacity: configuration.duplicateCapacity, maximumAge: configuration.duplicateMaximumAge),
            trackerLimiter: RateLimiter(limit: configuration.trackerRateLimit),
            phoneLimiter: RateLimiter(limit: configuration.phoneRateLimit)
        ))
    }

    /// What the relay did so far.
    public var counters: RelayCounters {
        state.withLock { state in
            var snapshot = state.counters
            snapshot.pendingRetries = state.pending.count
            return snapshot
        }
    }

    /// Routes one message and carries out what that needs, all on the caller's executor.
    public func handle(_ message: IncomingMessage, via port: any RelayPort) async {
        let decision = accept(message, via: port)
        await carryOut(decision, via: port)
    }

    /// Stops taking messages and abandons pending retries without deleting what was not
    /// relayed: it stays in modem storage for the next start (invariant 2).
    public func shutdown() async {
        let (tasks, abandoned): ([Task<Void, Never>], Int) = state.withLock { state in
            state.isShutDown = true
            let tasks = Array(state.retryTasks.values) + Array(state.workTasks.values)
            state.retryTasks.removeAll()
            state.workTasks.removeAll()
            let abandoned = state.pending.count
            state.pending.removeAll()
            state.inFlight.removeAll()
            return (tasks, abandoned)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        logger.info("relay shut down", metadata: ["abandonedRelays": "\(abandoned)"])
    }

    var isShutDown: Bool { state.withLock { $0.isShutDown } }

    func count(_ change: (inout RelayCounters) -> Void) {
        state.withLock { change(&$0.counters) }
    }

    // MARK: - Storage

    /// Done with a message: delete it and every duplicate copy from the storage of the modem
    /// that holds each.
    func finish(_ identity: MessageIdentity, via port: any RelayPort, log: Logger) async {
        guard let flight = state.withLock({ $0.inFlight.removeValue(forKey: identity) }) else { return }
        if let ticket = flight.claimTicket { markRelayed(ticket, log: log) }
        for (holder, slots) in flight.storage {
            await deleteStored(slots, via: holder, log: log)
        }
    }

    /// Given up without an outcome: leave it in storage and forget it, so it is handled anew
    /// when listed (or, in direct mode, delivered) again. Every modem holding a copy gets its
    /// slots back for its next sweep.
    func abandon(_ identity: MessageIdentity) {
        let flight = state.withLock { state in
            state.seenMessages.forget(identity)
            return state.inFlight.removeValue(forKey: identity)
        }
        for (holder, slots) in flight?.storage ?? [] { holder.release(slots) }
    }

    /// The registry failed while deciding (`step`: "sender look-up", "relay ledger"): counted,
    /// logged with metadata only (the error names a table, a column or a rule, never a value),
    /// and the message left where it is for later.
    func leaveForLater(_ identity: MessageIdentity, after error: any Error, in step: String, log: Logger) -> RelayDecision {
        count { $0.registryFailures += 1 }
        log.error("\(step) failed; message left for later", metadata: ["error": "\(error)"])
        abandon(identity)
        return .leftForLater(log)
    }

    func deleteStored(_ slots: [StoredSlot], via port: any RelayPort, log: Logger) async {
        guard !slots.isEmpty else { return }
        do {
            try await port.deleteStored(slots)
            log.debug("deleted from storage", metadata: ["slots": "\(slots.count)"])
        } catch {
            count { $0.deleteFailures += 1 }
            log.warning("delete refused; deleted when listed again", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Whether `number` is one of the gateway's own numbers (nothing is ever sent to one).
    func isGatewayNumber(_ number: String) -> Bool {
        configuration.gatewayNumbers.contains { SubscriberNumber.same(number, $0) }
    }
}
