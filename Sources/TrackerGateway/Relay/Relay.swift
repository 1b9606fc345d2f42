import Foundation
import Logging

/// Routes every incoming SMS by its sender: relays a tracker's text to its owner's phones,
/// answers a phone's keywords, deletes what nobody registered sent.
///
/// DESIGN.md "Receiving and relaying" and invariants 2, 3, 6, 7:
/// - a tracker's text goes unchanged (UCS-2 stays UCS-2) to each consenting phone of its
///   customer — never to the gateway's own number, the sender, or anyone else;
/// - the message is deleted from modem storage only once every phone accepted it; phones that
///   refused are retried in memory with backoff, phones that accepted are never sent it again;
/// - a message still not accepted `maximumAge` after the gateway received it is dropped and
///   deleted;
/// - a duplicate delivery is deleted, never relayed twice; a message from an unknown number
///   is deleted and counted, its number never logged;
/// - logs carry ids, masked numbers, sizes and outcomes, never a body or a full number.
///
/// Why the age runs from the receipt: the age is measured from the later of the message's
/// SCTS and the moment the gateway received it. A message cannot reach the gateway before the
/// SMSC stamped it, so the later of the two is the receipt — unless the SMSC clock runs fast,
/// and a fast SMSC clock must not stretch a message's life, so a future SCTS is clamped to the
/// receipt. The relay therefore measures the age from the receipt alone, on its own monotonic
/// clock `C`. That also keeps a slow or mis-zoned SMSC clock, or a box without a real-time
/// clock that boots in 1970, from expiring every message, and it lets a message kept on the
/// SIM over a restart be relayed rather than lost (invariant 2: storage holds it until the
/// relay was accepted). The tracker's own text carries its fix time for the reader.
///
/// Time comes from `clock`; retries sleep on it, so tests drive them with a manual clock.
public actor Relay<C: Clock> where C.Duration == Duration {
    struct InFlight {
        /// Storage indices of this message and of every duplicate delivery seen meanwhile.
        var storageIndices: [Int]

        mutating func merge(_ indices: [Int]) {
            for index in indices where !storageIndices.contains(index) {
                storageIndices.append(index)
            }
        }
    }

    struct PendingRelay {
        let messageID: UInt64
        let identity: MessageIdentity
        let text: String
        let isUCS2: Bool
        let receivedAt: C.Instant
        var remaining: [PhoneRoute]
        var delivered = 0
        var retriesScheduled = 0
        var logger: Logger
    }

    let configuration: RelayConfiguration
    let directory: any SenderDirectory
    let modem: any RelayModem
    let clock: C
    let logger: Logger
    var randomNumbers: any RandomNumberGenerator & Sendable
    var currentCounters = RelayCounters()
    var seenMessages: DuplicateFilter<C.Instant>
    var trackerLimiter: RateLimiter<Int64, C.Instant>
    var phoneLimiter: RateLimiter<Int64, C.Instant>
    var inFlight: [MessageIdentity: InFlight] = [:]
    var pending: [UInt64: PendingRelay] = [:]
    var retryTasks: [UInt64: Task<Void, Never>] = [:]
    var lastMessageID: UInt64 = 0
    var isShutDown = false
    /// Trackers being provisioned, whose admin acknowledgement is captured (Relay+Provisioning).
    var adminAcknowledgementWaiters: [Int64: AdminAcknowledgementWaiter] = [:]

    /// - Parameter randomNumbers: the source of retry jitter (`RetryPolicy.jitter`).
    public init(
        configuration: RelayConfiguration,
        directory: any SenderDirectory,
        modem: any RelayModem,
        clock: C,
        logger: Logger,
        randomNumbers: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.configuration = configuration
        self.directory = directory
        self.modem = modem
        self.clock = clock
        self.logger = logger
        self.randomNumbers = randomNumbers
        self.seenMessages = DuplicateFilter(capacity: configuration.duplicateCapacity, maximumAge: configuration.duplicateMaximumAge)
        self.trackerLimiter = RateLimiter(limit: configuration.trackerRateLimit)
        self.phoneLimiter = RateLimiter(limit: configuration.phoneRateLimit)
    }

    /// What the relay did so far.
    public var counters: RelayCounters {
        var snapshot = currentCounters
        snapshot.pendingRetries = pending.count
        return snapshot
    }

    /// Routes one complete incoming message. Never throws: every outcome is counted and logged.
    public func handle(_ message: IncomingMessage) async {
        lastMessageID += 1
        var log = logger
        log[metadataKey: "message"] = "\(lastMessageID)"
        log[metadataKey: "parts"] = "\(message.partCount)"
        log[metadataKey: "chars"] = "\(message.text.count)"
        guard !isShutDown else {
            log.notice("relay is shut down; message left in storage")
            return
        }
        let identity = MessageIdentity(message)
        let now = clock.now
        if inFlight[identity] != nil {
            // Its original is still being relayed: delete this copy together with it, not now,
            // because the copy may be the very storage slot the original still needs.
            inFlight[identity]?.merge(message.storageIndices)
            currentCounters.duplicates += 1
            log.debug("duplicate of a message in flight; freed with it")
            return
        }
        if seenMessages.contains(identity, now: now) {
            currentCounters.duplicates += 1
            log.debug("duplicate of a message already handled; deleting")
            await deleteStored(message.storageIndices, log: log)
            return
        }
        if SubscriberNumber.same(message.sender, configuration.ownNumber) {
            currentCounters.ownNumberLoops += 1
            log.warning("message from the gateway's own number; deleting")
            await deleteStored(message.storageIndices, log: log)
            return
        }
        // Recorded before the first suspension, so a copy arriving meanwhile is recognised.
        seenMessages.record(identity, now: now)
        inFlight[identity] = InFlight(storageIndices: message.storageIndices)

        let role: SenderRole
        do {
            role = try await directory.role(of: message.sender)
        } catch {
            currentCounters.registryFailures += 1
            log.error("sender look-up failed; message left in storage", metadata: ["error": "\(type(of: error))"])
            abandon(identity)
            return
        }
        switch role {
        case .unknown:
            currentCounters.unknownSenders += 1
            // Forgotten so a flood of strangers cannot push real messages out of the memory.
            seenMessages.forget(identity)
            log.info("unknown sender; deleting unread")
            await finish(identity, log: log)
        case .tracker(let tracker):
            log[metadataKey: "tracker"] = "\(tracker.trackerID)"
            await relayTrackerMessage(message, from: tracker, identity: identity, receivedAt: now, log: log)
        case .phone(let phone, let trackers):
            log[metadataKey: "phone"] = "\(phone.phoneID)"
            await answerPhone(message, from: phone, trackers: trackers, identity: identity, log: log)
        }
    }

    /// Stops taking messages and abandons pending retries without deleting what was not
    /// relayed: it stays in modem storage for the next start (invariant 2).
    public func shutdown() async {
        isShutDown = true
        let tasks = Array(retryTasks.values)
        retryTasks.removeAll()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        let abandoned = pending.count
        pending.removeAll()
        inFlight.removeAll()
        logger.info("relay shut down", metadata: ["abandonedRelays": "\(abandoned)"])
    }

    // MARK: - Tracker → phones

    func relayTrackerMessage(_ message: IncomingMessage, from tracker: TrackerRoute, identity: MessageIdentity, receivedAt: C.Instant, log: Logger) async {
        if await captureAdminAcknowledgement(message, from: tracker, identity: identity, log: log) { return }
        guard trackerLimiter.allow(tracker.trackerID, now: clock.now) else {
            currentCounters.rateLimited += 1
            log.notice("tracker over its rate limit; deleting, not relayed")
            await finish(identity, log: log)
            return
        }
        let destinations = destinations(of: tracker, sender: message.sender)
        var log = log
        log[metadataKey: "destinations"] = "\(destinations.count)"
        guard !destinations.isEmpty else {
            currentCounters.undeliverable += 1
            log.info("no consenting phone; deleting")
            await finish(identity, log: log)
            return
        }
        lastMessageID += 1
        let relayID = lastMessageID
        pending[relayID] = PendingRelay(
            messageID: relayID, identity: identity, text: message.text, isUCS2: message.isUCS2,
            receivedAt: receivedAt, remaining: destinations, logger: log
        )
        await sendToRemainingPhones(relayID)
    }

    /// The consenting phones of the tracker's own customer, each once, never the gateway's own
    /// number, the sender or the tracker itself (invariant 3).
    func destinations(of tracker: TrackerRoute, sender: String) -> [PhoneRoute] {
        var chosen: [PhoneRoute] = []
        for phone in tracker.phones {
            guard phone.consents, phone.customerID == tracker.customerID else { continue }
            let forbidden = [configuration.ownNumber, sender, tracker.number]
            guard !forbidden.contains(where: { SubscriberNumber.same(phone.number, $0) }) else { continue }
            guard !chosen.contains(where: { SubscriberNumber.same(phone.number, $0.number) }) else { continue }
            chosen.append(phone)
        }
        return chosen
    }

    func sendToRemainingPhones(_ relayID: UInt64) async {
        guard let snapshot = pending[relayID] else { return }
        for phone in snapshot.remaining {
            // Re-read each time: a STOP or a shutdown may have come while the last send ran.
            guard !isShutDown, let current = pending[relayID],
                  current.remaining.contains(where: { $0.phoneID == phone.phoneID }) else { continue }
            var log = current.logger
            log[metadataKey: "phone"] = "\(phone.phoneID)"
            log[metadataKey: "to"] = "\(NumberMask.mask(phone.number))"
            do {
                let references = try await modem.send(text: current.text, to: phone.number, ucs2: current.isUCS2)
                currentCounters.deliveredSends += 1
                pending[relayID]?.remaining.removeAll { $0.phoneID == phone.phoneID }
                pending[relayID]?.delivered += 1
                log.debug("relayed", metadata: ["smsParts": "\(references.count)"])
            } catch {
                currentCounters.failedSends += 1
                log.warning("relay send refused; will retry", metadata: ["error": "\(type(of: error))"])
            }
        }
        guard !isShutDown, let relay = pending[relayID] else { return }
        if relay.remaining.isEmpty {
            pending[relayID] = nil
            if relay.delivered > 0 {
                currentCounters.relayed += 1
                relay.logger.info("relayed to every phone; deleting", metadata: ["delivered": "\(relay.delivered)"])
            } else {
                currentCounters.undeliverable += 1
                relay.logger.info("every remaining phone opted out; deleting")
            }
            await finish(relay.identity, log: relay.logger)
        } else {
            scheduleRetry(relayID)
        }
    }

    // MARK: - Retries

    func scheduleRetry(_ relayID: UInt64) {
        guard var relay = pending[relayID] else { return }
        relay.retriesScheduled += 1
        pending[relayID] = relay
        let delay = configuration.retry.delay(beforeRetry: relay.retriesScheduled, using: &randomNumbers)
        let expiry = relay.receivedAt.advanced(by: configuration.maximumAge)
        // Never sleep past the expiry: an expired message is deleted promptly (invariant 2).
        let deadline = min(clock.now.advanced(by: delay), expiry)
        relay.logger.debug("retry scheduled", metadata: [
            "retry": "\(relay.retriesScheduled)",
            "remaining": "\(relay.remaining.count)",
            "inMilliseconds": "\(Int((clock.now.duration(to: deadline).fractionalSeconds * 1000).rounded()))",
        ])
        let clock = self.clock
        retryTasks[relayID] = Task { [weak self] in
            do {
                try await clock.sleep(until: deadline, tolerance: nil)
            } catch {
                return
            }
            await self?.retryDue(relayID)
        }
    }

    func retryDue(_ relayID: UInt64) async {
        retryTasks[relayID] = nil
        guard !isShutDown, let relay = pending[relayID] else { return }
        if relay.receivedAt.duration(to: clock.now) >= configuration.maximumAge {
            pending[relayID] = nil
            currentCounters.droppedExpired += 1
            relay.logger.notice("expired before every phone accepted; dropped and deleted", metadata: [
                "remaining": "\(relay.remaining.count)",
            ])
            await finish(relay.identity, log: relay.logger)
            return
        }
        currentCounters.retries += 1
        await sendToRemainingPhones(relayID)
    }

    /// Takes a phone that texted STOP out of every relay still waiting to reach it (invariant 7).
    func withdrawPendingRelays(to phoneID: Int64) {
        for relayID in pending.keys {
            pending[relayID]?.remaining.removeAll { $0.phoneID == phoneID }
        }
    }

    // MARK: - Storage

    /// Done with a message: delete it and every duplicate copy from modem storage.
    func finish(_ identity: MessageIdentity, log: Logger) async {
        guard let flight = inFlight.removeValue(forKey: identity) else { return }
        await deleteStored(flight.storageIndices, log: log)
    }

    /// Given up without an outcome: leave it in storage and forget it, so it is handled anew
    /// when listed again.
    func abandon(_ identity: MessageIdentity) {
        inFlight[identity] = nil
        seenMessages.forget(identity)
    }

    func deleteStored(_ indices: [Int], log: Logger) async {
        guard !indices.isEmpty else { return }
        do {
            try await modem.deleteStored(indices: indices)
            log.debug("deleted from storage", metadata: ["slots": "\(indices.count)"])
        } catch {
            currentCounters.deleteFailures += 1
            log.warning("delete refused; deleted when listed again", metadata: ["error": "\(type(of: error))"])
        }
    }
}
