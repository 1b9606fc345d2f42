import ATModem
import Foundation
import TrackerGateway

/// The straight walk: the modem tells its service of a complete message on the modem's thread,
/// the service asks the relay for its decision there and then (duplicates, sender look-up, rate
/// limits, whom to send to), tells the modem what became of it (so direct mode acknowledges only
/// what was taken), and the relay's sends run as a task on the same thread.
extension ModemService: ModemDelegate {
    public func modem(_ modem: isolated Modem, received message: ReceivedSMS) -> MessageDisposition {
        assumeIsolated { $0.received(message) }
    }

    public func modem(_ modem: isolated Modem, noticed event: ModemEvent) {
        assumeIsolated { $0.noticed(event) }
    }

    public func modem(_ modem: isolated Modem, willHandle pdu: String) -> Bool {
        assumeIsolated { service in
            guard let journal = service.journal else { return true }
            switch journal.begin(service.fingerprint(pdu)) {
            case .handle(let entry):
                service.journalEntry = entry
                return true
            case .setAside:
                return false
            }
        }
    }

    public func modemFinishedHandling(_ modem: isolated Modem) {
        assumeIsolated { service in
            guard let entry = service.journalEntry else { return }
            service.journalEntry = nil
            service.journal?.finished(entry: entry)
        }
    }

    private func received(_ sms: ReceivedSMS) -> MessageDisposition {
        status.lastReceivedAt = Date()
        guard !isShuttingDown else { return .leftForLater }
        #if DEBUG
        if let crashOn = testCrashOn, sms.text?.contains(crashOn) == true {
            // Debug builds with TRACKERD_TEST_HOOKS only: the crash-loop test's poison message.
            fatalError("test hook: this message crashes the daemon")
        }
        #endif
        guard let text = sms.text else {
            // 8-bit data is not a tracker's text report: freed, never relayed as text.
            logger.notice("binary message dropped", metadata: ["parts": "\(sms.partCount)"])
            status.binaryDropped += 1
            return .discard
        }
        let message = IncomingMessage(
            sender: sms.sender.description, text: text, isUCS2: sms.alphabet == .ucs2,
            timestamp: sms.timestamp.date, concatenationReference: sms.concatenationReference,
            partCount: sms.partCount, storage: sms.storageSlots.map { StoredSlot(storage: $0.storage, index: $0.index) })
        let decision = relay.accept(message, via: self)
        relay.start(decision, via: self)
        return decision.taken ? .taken : .leftForLater
    }

    private func noticed(_ event: ModemEvent) {
        switch event {
        case .registration(let registration):
            logger.info("network registration", metadata: ["state": "\(registration.name)"])
            status.registration = registration.name
            pool.setRegistered(index, registration.isRegistered)
        case .storageFull(let storage, let used, let total):
            logger.critical("ALARM: modem storage full; the network will hold new messages", metadata: ["storage": "\(storage)", "used": "\(used)", "total": "\(total)"])
            status.storageFull = true
            status.storageUsed = used
            status.storageTotal = total
        case .undecodable(let slot, let error):
            // A PDU we cannot read cannot be relayed; the modem freed it. Field and offset only.
            logger.warning(slot == nil ? "undecodable message refused" : "undecodable message deleted",
                           metadata: ["field": "\(error.field)", "offset": "\(error.offset)"])
            status.undecodable += 1
        case .setAside(let slot):
            // Metadata only: where it lies, never what it says.
            logger.error("message set aside: handling it crashed the daemon twice; it stays where it is",
                         metadata: ["slot": "\(slot.map(\.description) ?? "direct")"])
            status.setAside += 1
        case .partsExpired(let count):
            logger.notice("incomplete concatenated message given up", metadata: ["parts": "\(count)"])
        case .finishedPartDeleted(let slot):
            logger.info("part of a message already relayed read again; deleted", metadata: ["slot": "\(slot)"])
        case .statusReport:
            status.statusReports += 1
        case .closed(let error):
            connectionEnded(error)
        }
    }
}

extension ModemService: RelayPort {
    public nonisolated var taskExecutor: (any TaskExecutor)? { executor }

    /// Sends out of the pool: the best healthy modem for `purpose` (this one first for a reply),
    /// and on a refusal once more out of the next one. None healthy: `NoModemAvailable`.
    public func send(text: String, to number: String, ucs2: Bool, purpose: SendPurpose) async throws -> [Int] {
        let candidates = pool.candidates(for: purpose, origin: index)
        guard !candidates.isEmpty else { throw NoModemAvailable(purpose: purpose) }
        var lastError: (any Error)?
        for candidate in candidates.prefix(2) {
            do {
                return try await candidate === self ? sendHere(text: text, to: number, ucs2: ucs2) : candidate.sendHere(text: text, to: number, ucs2: ucs2)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? NoModemAvailable(purpose: purpose)
    }

    /// Sends out of this very modem.
    func sendHere(text: String, to number: String, ucs2: Bool) async throws -> [Int] {
        guard let modem, status.state == .ready else { throw ModemUnavailable() }
        pool.sendStarted(index)
        do {
            let references = try await modem.send(text: text, to: number, forceUCS2: ucs2)
            pool.sendEnded(index, succeeded: true)
            status.sends += 1
            return references
        } catch {
            pool.sendEnded(index, succeeded: false)
            status.sendFailures += 1
            throw error
        }
    }

    public func deleteStored(_ slots: [StoredSlot]) async throws {
        guard let modem else { throw ModemUnavailable() }
        try await modem.delete(slots.map { StorageSlot(storage: $0.storage, index: $0.index) })
        // The count shown is the last probe's less what was deleted since (the next probe sets it
        // again): an emptied storage no longer shows as holding messages.
        if let used = status.storageUsed {
            status.storageUsed = max(0, used - slots.filter { $0.storage == status.storage }.count)
            status.storageFull = status.storageFull && (status.storageUsed ?? 0) >= (status.storageTotal ?? 0)
        }
    }

    public nonisolated func release(_ slots: [StoredSlot]) {
        let storageSlots = slots.map { StorageSlot(storage: $0.storage, index: $0.index) }
        let giveBack: @Sendable () -> Void = { [weak self] in
            self?.assumeIsolated { service in
                guard let modem = service.modem else { return }
                modem.assumeIsolated { $0.release(storageSlots) }
            }
        }
        if executor.isCurrent { giveBack() } else { executor.execute(giveBack) }
    }
}

/// This modem is not connected right now (unplugged, re-opening, or shutting down).
struct ModemUnavailable: Error, CustomStringConvertible {
    var description: String { "modem not connected" }
}
