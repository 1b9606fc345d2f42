import Foundation
import Logging
import SMSCodec

/// What the relay decided about one message, for `carryOut` to do.
public struct RelayDecision: Sendable {
    enum Step: Sendable {
        /// Send to the phones still waiting in this pending relay (then retry or finish).
        case relay(UInt64)
        /// Send one fixed text (a keyword reply, a tracker command), retried with back-off.
        case send(text: String, to: String, purpose: SendPurpose, kind: SendKind)
        /// Delete the message and its duplicates from storage.
        case finish(MessageIdentity)
        /// Delete these slots (a duplicate of something already done).
        case delete([StoredSlot])
        /// Another gateway claimed this tracker report: ask the ledger again until it is done
        /// there (then delete this copy) or left (then relay it here).
        case awaitClaim(AwaitedClaim)
    }

    struct AwaitedClaim: Sendable {
        let message: IncomingMessage
        let tracker: TrackerRoute
        let identity: MessageIdentity
        let receivedAt: MonotonicInstant
    }

    enum SendKind: Sendable {
        case reply
        /// A command a phone's LOCATE asked for; the phone hears when no modem can reach the tracker.
        case trackerCommand(askedBy: String)
    }

    /// False when the message was left for later: not routed now (the registry failed, the
    /// relay is shutting down), still in storage, or to be refused in direct mode.
    public let taken: Bool
    let steps: [Step]
    let log: Logger

    /// True when nothing remains to be done asynchronously.
    public var isComplete: Bool { steps.isEmpty }

    static func leftForLater(_ log: Logger) -> RelayDecision { RelayDecision(taken: false, steps: [], log: log) }
}

extension Relay {
    /// Decides about one complete incoming message, synchronously, on the caller's thread.
    /// Never throws: every outcome is counted and logged.
    public func accept(_ message: IncomingMessage, via port: any RelayPort) -> RelayDecision {
        if captureAdminAcknowledgement(message, log: logger) {
            return RelayDecision(taken: true, steps: [.delete(message.storage)], log: logger)
        }
        let now = clock.now
        let identity = MessageIdentity(message)
        enum Gate { case shutDown, inFlight, seen, ownNumber, new(UInt64) }
        let gate: Gate = state.withLock { state in
            if state.isShutDown { return .shutDown }
            if state.inFlight[identity] != nil {
                // Its original is still being relayed: delete this copy together with it, not now,
                // because the copy may be the very storage slot the original still needs.
                state.inFlight[identity]?.merge(message.storage, on: port)
                state.counters.duplicates += 1
                return .inFlight
            }
            if state.seenMessages.contains(identity, now: now) {
                state.counters.duplicates += 1
                return .seen
            }
            if isGatewayNumber(message.sender) {
                state.counters.ownNumberLoops += 1
                return .ownNumber
            }
            // Recorded before the look-up, so a copy arriving on another modem meanwhile is recognised.
            state.seenMessages.record(identity, now: now)
            state.inFlight[identity] = InFlight(port: port, slots: message.storage)
            state.lastMessageID += 1
            return .new(state.lastMessageID)
        }
        var log = logger
        switch gate {
        case .shutDown:
            log.notice("relay is shut down; message left in storage")
            return .leftForLater(log)
        case .inFlight:
            log.debug("duplicate of a message in flight; freed with it")
            return RelayDecision(taken: true, steps: [], log: log)
        case .seen:
            log.debug("duplicate of a message already handled; deleting")
            return RelayDecision(taken: true, steps: [.delete(message.storage)], log: log)
        case .ownNumber:
            log.warning("message from a gateway number; deleting")
            return RelayDecision(taken: true, steps: [.delete(message.storage)], log: log)
        case .new(let id):
            log[metadataKey: "message"] = "\(id)"
            log[metadataKey: "parts"] = "\(message.partCount)"
            log[metadataKey: "octets"] = "\(message.text.utf8.count)"
        }

        let role: SenderRole
        do {
            role = try directory.role(of: message.sender)
        } catch {
            return leaveForLater(identity, after: error, in: "sender look-up", log: log)
        }
        switch role {
        case .unknown:
            state.withLock { state in
                state.counters.unknownSenders += 1
                // Forgotten so a flood of strangers cannot push real messages out of the memory.
                state.seenMessages.forget(identity)
            }
            log.debug("unknown sender; deleting unread")
            return RelayDecision(taken: true, steps: [.finish(identity)], log: log)
        case .tracker(let tracker):
            log[metadataKey: "tracker"] = "\(tracker.trackerID)"
            if let settled = settleClaim(of: message, from: tracker, identity: identity, receivedAt: now, log: log) { return settled }
            return decideTrackerMessage(message, from: tracker, identity: identity, receivedAt: now, log: log)
        case .phone(let phone, let trackers):
            log[metadataKey: "phone"] = "\(phone.phoneID)"
            return decidePhoneMessage(message, from: phone, trackers: trackers, identity: identity, via: port, log: log)
        }
    }

    /// Carries out a decision in a task on the port's executor, which `shutdown()` cancels.
    public func start(_ decision: RelayDecision, via port: any RelayPort) {
        guard !decision.isComplete else { return }
        state.withLock { state in
            state.lastMessageID += 1
            let id = state.lastMessageID
            state.workTasks[id] = Task(executorPreference: port.taskExecutor) { [weak self] in
                await self?.carryOut(decision, via: port)
                _ = self?.state.withLock { $0.workTasks.removeValue(forKey: id) }
            }
        }
    }

    /// Carries out a decision: sends (with retries), then frees storage.
    public func carryOut(_ decision: RelayDecision, via port: any RelayPort) async {
        for step in decision.steps {
            switch step {
            case .relay(let relayID):
                await sendToRemainingPhones(relayID, via: port)
            case .send(let text, let number, let purpose, let kind):
                await sendWithRetries(text, to: number, purpose: purpose, kind: kind, via: port, log: decision.log)
            case .finish(let identity):
                await finish(identity, via: port, log: decision.log)
            case .delete(let slots):
                await deleteStored(slots, via: port, log: decision.log)
            case .awaitClaim(let awaited):
                await awaitOtherGateway(awaited, via: port, log: decision.log)
            }
        }
    }

    // MARK: - Tracker → phones

    func decideTrackerMessage(_ message: IncomingMessage, from tracker: TrackerRoute, identity: MessageIdentity, receivedAt: MonotonicInstant, log: Logger) -> RelayDecision {
        let allowed = state.withLock { state in
            let allowed = state.trackerLimiter.allow(tracker.trackerID, now: receivedAt)
            if !allowed { state.counters.rateLimited += 1 }
            return allowed
        }
        guard allowed else {
            log.notice("tracker over its rate limit; deleting, not relayed")
            return RelayDecision(taken: true, steps: [.finish(identity)], log: log)
        }
        let destinations = destinations(of: tracker, sender: message.sender)
        var log = log
        log[metadataKey: "destinations"] = "\(destinations.count)"
        guard !destinations.isEmpty else {
            count { $0.undeliverable += 1 }
            log.debug("no consenting phone; deleting")
            return RelayDecision(taken: true, steps: [.finish(identity)], log: log)
        }
        let relayID: UInt64 = state.withLock { state in
            state.lastMessageID += 1
            state.pending[state.lastMessageID] = PendingRelay(
                identity: identity, text: message.text, isUCS2: message.isUCS2,
                receivedAt: receivedAt, remaining: destinations, logger: log)
            return state.lastMessageID
        }
        return RelayDecision(taken: true, steps: [.relay(relayID)], log: log)
    }

    /// The consenting phones of the tracker's own customer, each once, never a gateway number,
    /// the sender or the tracker itself (invariant 3).
    func destinations(of tracker: TrackerRoute, sender: String) -> [PhoneRoute] {
        var chosen: [PhoneRoute] = []
        for phone in tracker.phones {
            guard phone.consents, phone.customerID == tracker.customerID else { continue }
            guard !isGatewayNumber(phone.number) else { continue }
            guard ![sender, tracker.number].contains(where: { SubscriberNumber.same(phone.number, $0) }) else { continue }
            guard !chosen.contains(where: { SubscriberNumber.same(phone.number, $0.number) }) else { continue }
            chosen.append(phone)
        }
        return chosen
    }

    func sendToRemainingPhones(_ relayID: UInt64, via port: any RelayPort) async {
        guard let snapshot = state.withLock({ $0.pending[relayID] }) else { return }
        for phone in snapshot.remaining {
            // Re-read each time: a STOP or a shutdown may have come while the last send ran.
            let current: PendingRelay? = state.withLock { state in
                guard !state.isShutDown, let current = state.pending[relayID],
                      current.remaining.contains(where: { $0.phoneID == phone.phoneID }) else { return nil }
                return current
            }
            guard let current else { continue }
            var log = current.logger
            log[metadataKey: "phone"] = "\(phone.phoneID)"
            log[metadataKey: "to"] = .stringConvertible(MaskedNumber(phone.number))
            do {
                let references = try await port.send(text: current.text, to: phone.number, ucs2: current.isUCS2, purpose: .relay)
                state.withLock { state in
                    state.counters.deliveredSends += 1
                    state.pending[relayID]?.remaining.removeAll { $0.phoneID == phone.phoneID }
                    state.pending[relayID]?.delivered += 1
                }
                log.debug("relayed", metadata: ["smsParts": "\(references.count)"])
            } catch {
                count { $0.failedSends += 1 }
                log.warning("relay send refused; will retry", metadata: ["error": "\(type(of: error))"])
            }
        }
        enum Next { case gone, done(PendingRelay), retry }
        let next: Next = state.withLock { state in
            guard !state.isShutDown, let relay = state.pending[relayID] else { return .gone }
            guard relay.remaining.isEmpty else { return .retry }
            state.pending[relayID] = nil
            if relay.delivered > 0 {
                state.counters.relayed += 1
                let duration = relay.receivedAt.duration(to: clock.now)
                state.counters.recordRelayDuration(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            } else {
                state.counters.undeliverable += 1
            }
            return .done(relay)
        }
        switch next {
        case .gone:
            return
        case .done(let relay):
            relay.logger.debug(relay.delivered > 0 ? "relayed to every phone; deleting" : "every remaining phone opted out; deleting",
                               metadata: ["delivered": "\(relay.delivered)"])
            await finish(relay.identity, via: port, log: relay.logger)
        case .retry:
            scheduleRetry(relayID, via: port)
        }
    }

    // MARK: - Retries

    func scheduleRetry(_ relayID: UInt64, via port: any RelayPort) {
        let clock = self.clock
        let now = clock.now
        state.withLock { state in
            guard var relay = state.pending[relayID] else { return }
            relay.retriesScheduled += 1
            state.pending[relayID] = relay
            let delay = configuration.retry.delay(beforeRetry: relay.retriesScheduled, using: &state.randomNumbers)
            let expiry = relay.receivedAt.advanced(by: configuration.maximumAge)
            // Never sleep past the expiry: an expired message is deleted promptly (invariant 2).
            let deadline = min(now.advanced(by: delay), expiry)
            relay.logger.debug("retry scheduled", metadata: [
                "retry": "\(relay.retriesScheduled)",
                "remaining": "\(relay.remaining.count)",
                "inMilliseconds": "\(Int((now.duration(to: deadline).fractionalSeconds * 1000).rounded()))",
            ])
            state.retryTasks[relayID] = Task(executorPreference: port.taskExecutor) { [weak self] in
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    return
                }
                await self?.retryDue(relayID, via: port)
            }
        }
    }

    func retryDue(_ relayID: UInt64, via port: any RelayPort) async {
        let now = clock.now
        enum Due { case gone, expired(PendingRelay), retry }
        let due: Due = state.withLock { state in
            state.retryTasks[relayID] = nil
            guard !state.isShutDown, let relay = state.pending[relayID] else { return .gone }
            if relay.receivedAt.duration(to: now) >= configuration.maximumAge {
                state.pending[relayID] = nil
                state.counters.droppedExpired += 1
                return .expired(relay)
            }
            state.counters.retries += 1
            return .retry
        }
        switch due {
        case .gone:
            return
        case .expired(let relay):
            relay.logger.notice("expired before every phone accepted; dropped and deleted", metadata: [
                "remaining": "\(relay.remaining.count)",
            ])
            await finish(relay.identity, via: port, log: relay.logger)
        case .retry:
            await sendToRemainingPhones(relayID, via: port)
        }
    }

    /// Takes a phone that texted STOP out of every relay still waiting to reach it (invariant 7).
    func withdrawPendingRelays(to phoneID: Int64) {
        state.withLock { state in
            for relayID in state.pending.keys {
                state.pending[relayID]?.remaining.removeAll { $0.phoneID == phoneID }
            }
        }
    }

    /// Sends one fixed text, retrying a refusal with the relay's back-off until `maximumAge` has
    /// passed (#9: a keyword reply or a tracker command is never lost to one `+CMS ERROR`).
    func sendWithRetries(_ text: String, to number: String, purpose: SendPurpose, kind: RelayDecision.SendKind, via port: any RelayPort, log: Logger) async {
        guard !isGatewayNumber(number) else { return }
        var log = log
        log[metadataKey: "to"] = .stringConvertible(MaskedNumber(number))
        let started = clock.now
        var attempt = 0
        while !isShutDown {
            do {
                _ = try await port.send(text: text, to: number, ucs2: !GSM7.canEncode(text), purpose: purpose)
                state.withLock { state in
                    state.counters.deliveredSends += 1
                    switch kind {
                    case .reply: state.counters.repliesSent += 1
                    case .trackerCommand: state.counters.commandsSent += 1
                    }
                }
                log.debug(kind.isReply ? "reply sent" : "tracker command sent")
                return
            } catch let error as NoModemAvailable {
                if case .trackerCommand(let phone) = kind, case .trackerCommand = error.purpose {
                    // No modem the tracker obeys is up: say so now rather than retry in silence.
                    count { $0.trackerUnreachable += 1 }
                    log.warning("no healthy modem the tracker obeys; the phone is told")
                    var replyLog = log
                    replyLog[metadataKey: "to"] = "\(NumberMask.mask(phone))"
                    await sendWithRetries(configuration.replies.unreachable, to: phone, purpose: .reply, kind: .reply, via: port, log: replyLog)
                    return
                }
                if await retryAfterRefusal(error, attempt: &attempt, started: started, kind: kind, log: log) { continue }
                return
            } catch {
                if await retryAfterRefusal(error, attempt: &attempt, started: started, kind: kind, log: log) { continue }
                return
            }
        }
    }

    /// Counts a refused send and sleeps the back-off before the next try; false when the
    /// maximum age would pass first (given up, counted) or the relay shuts down.
    private func retryAfterRefusal(_ error: any Error, attempt: inout Int, started: MonotonicInstant, kind: RelayDecision.SendKind, log: Logger) async -> Bool {
        count { $0.failedSends += 1 }
        attempt += 1
        let next = attempt
        let delay = state.withLock { configuration.retry.delay(beforeRetry: next, using: &$0.randomNumbers) }
        let deadline = clock.now.advanced(by: delay)
        guard started.duration(to: deadline) < configuration.maximumAge else {
            count { $0.sendsGivenUp += 1 }
            log.warning(kind.isReply ? "reply refused until its maximum age; given up" : "tracker command refused until its maximum age; given up",
                        metadata: ["attempts": "\(attempt)", "error": "\(type(of: error))"])
            return false
        }
        log.notice(kind.isReply ? "reply refused; will retry" : "tracker command refused; will retry",
                   metadata: ["attempt": "\(attempt)", "error": "\(type(of: error))"])
        do { try await clock.sleep(until: deadline) } catch { return false }
        return true
    }
}

extension RelayDecision.SendKind {
    var isReply: Bool {
        if case .reply = self { return true }
        return false
    }
}
