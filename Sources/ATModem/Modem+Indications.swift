/// Turning URCs into messages: `+CMTI` → `+CMGR` → reassembly → the delegate, and `+CMT`
/// straight from the URC, acknowledged with `+CNMA` only once it was decoded and taken.
///
/// TS 27.005 §3.4.1 (`+CNMI` indications), §3.4.4 (`+CNMA`), §3.5.1 (`+CMGR`).
extension Modem {
    func handle(_ urc: URC) {
        switch urc.name.uppercased() {
        case "+CMTI":
            guard let indication = urc.storageIndex else { return }
            let slot = StorageSlot(storage: (indication.storage.isEmpty ? book.receiveStorage : indication.storage.uppercased()), index: indication.index)
            if book.indicated(slot) { readIndicated(slot) }
        case "+CMT":
            receiveDirect(urc)
        case "+CDS":
            let report = urc.complete ? urc.trailing.first.flatMap { try? ModemPDU.decode(hex: $0) } : nil
            if case .statusReport(let statusReport)? = report?.tpdu { tell(.statusReport(statusReport)) }
            if configuration.receiveMode == .direct { acknowledge(positively: true) }
        case "+CDSI":
            guard let indication = urc.storageIndex else { return }
            let slot = StorageSlot(storage: (indication.storage.isEmpty ? book.receiveStorage : indication.storage.uppercased()), index: indication.index)
            fetchStatusReport(slot)
        case "+CREG":
            if let stat = urc.registration?.status, let status = RegistrationStatus(rawValue: stat) {
                tell(.registration(status))
            }
        default:
            break
        }
    }

    /// Reads a slot a `+CMTI` (or the end of a delete) named, marked `.reading` in the book.
    func readIndicated(_ slot: StorageSlot) {
        slotCommand("+CMGR=\(slot.index)", storage: slot.storage) { [weak self] result in
            self?.assumeIsolated { modem in
                let hex = (try? result.get()).flatMap { Self.pduLine(of: $0, after: "+CMGR") }
                guard modem.guarded(hex ?? "", { modem.takeUpRead(result, slot: slot) }) != nil else {
                    modem.book.readFinished(slot, holdsMessage: false)
                    modem.setAside(slot)
                    return
                }
            }
        }
    }

    /// The line after the `prefix:` header of a read: the PDU.
    static func pduLine(of response: ATResponse, after prefix: String) -> String? {
        guard let header = response.lines.firstIndex(where: { ResponseFields.fields(of: $0, prefix: prefix) != nil }),
              header + 1 < response.lines.count else { return nil }
        return response.lines[header + 1]
    }

    private func takeUpRead(_ result: Result<ATResponse, ModemError>, slot: StorageSlot) {
        let stored = try? parseRead(result, slot: slot)
        switch stored?.pdu.tpdu {
        case .deliver(let deliver)?:
            book.readFinished(slot, holdsMessage: true)
            accept(deliver, slot: slot)
        case .statusReport(let report)?:
            book.readFinished(slot, holdsMessage: false)
            tell(.statusReport(report))
            deleteNow(slot)
        case .submit?, nil:
            // Empty, a draft, undecodable (already reported and deleted), or the read failed:
            // forgotten; a sweep takes up whatever is really there.
            book.readFinished(slot, holdsMessage: false)
        }
    }

    private func fetchStatusReport(_ slot: StorageSlot) {
        guard book.state(of: slot) == nil else { return }
        slotCommand("+CMGR=\(slot.index)", storage: slot.storage) { [weak self] result in
            self?.assumeIsolated { modem in
                if case .statusReport(let report)? = (try? modem.parseRead(result, slot: slot))??.pdu.tpdu {
                    modem.tell(.statusReport(report))
                }
                if modem.book.state(of: slot) == nil { modem.deleteNow(slot) }
            }
        }
    }

    /// `+CMT: [<alpha>],<length>` and the PDU on the next line. In direct mode the network waits
    /// for `+CNMA`: given for what was decoded and taken (a part waiting for its others counts
    /// as taken), refused with `+CNMA=2` for what was not, so the network delivers it again.
    private func receiveDirect(_ urc: URC) {
        let acknowledges = configuration.receiveMode == .direct
        guard urc.complete, let hex = urc.trailing.first else {
            if acknowledges { acknowledge(positively: false) }
            return
        }
        guard let taken = guarded(hex, { takeUpDirect(hex) }) else {
            tell(.setAside(slot: nil))
            if acknowledges { acknowledge(positively: true) }
            return
        }
        if acknowledges { acknowledge(positively: taken) }
    }

    /// Decodes a `+CMT` PDU and hands it on; whether it was taken (the acknowledgement's answer).
    private func takeUpDirect(_ hex: String) -> Bool {
        let pdu: ModemPDU
        do {
            pdu = try ModemPDU.decode(hex: hex)
        } catch {
            tell(.undecodable(slot: nil, error: error))
            return false
        }
        guard case .deliver(let deliver) = pdu.tpdu else { return true }
        return accept(deliver, slot: nil)
    }

    /// `+CNMA` (RP-ACK) or `+CNMA=2` (RP-ERROR), queued behind nothing the relay sends later but
    /// behind the sends already queued, on purpose: the modem holds the next `+CMT` until this is
    /// given, so it is the daemon's backpressure. Made urgent, it let the daemon take messages faster
    /// than it could send them under faults; the soak lost 196 of 1,000 at kill -9 instead of 6.
    private func acknowledge(positively: Bool) {
        enqueue(ATCommand(positively ? "AT+CNMA" : "AT+CNMA=2", timeout: configuration.commandTimeout)) { _ in }
    }

    // MARK: - Reassembly

    /// Feeds one part to the reassembler and hands out what completes; false when a completed
    /// message was left for later (direct mode then refuses it).
    @discardableResult
    func accept(_ deliver: SMSDeliver, slot: StorageSlot?) -> Bool {
        if let slot, let mark = deliver.partMark, finishedParts.isFinished(mark) {
            // A part of a message already relayed (its delete was refused, or raced): it goes now.
            book.handedOut([slot])
            deleteNow(slot)
            tell(.finishedPartDeleted(slot: slot))
            return true
        }
        let events = reassembler.add(deliver, token: slot, now: executor.time.now)
        let taken = handle(events)
        armExpiry()
        return taken
    }

    private func handle(_ events: [ReassemblyEvent<StorageSlot?>]) -> Bool {
        var taken = true
        for event in events {
            switch event {
            case .complete(let message):
                let slots = message.tokens.compactMap { $0 }.sorted()
                book.handedOut(slots)
                finishedParts.handedOut(slots, marks: message.partMarks)
                let received = ReceivedSMS(
                    sender: message.originator, body: message.body, alphabet: message.alphabet,
                    timestamp: message.timestamp, messageClass: message.messageClass,
                    concatenationReference: message.concatenationReference,
                    partCount: message.partCount, storageSlots: slots)
                switch delegate?.modem(self, received: received) ?? .leftForLater {
                case .taken:
                    break
                case .leftForLater:
                    book.released(slots)
                    finishedParts.released(slots)
                    taken = false
                case .discard:
                    finishedParts.deleted(slots)
                    for slot in slots { deleteNow(slot) }
                }
            case .duplicate:
                // Kept in storage until the message it duplicates is done; its slot is in that
                // message's list.
                continue
            case .evicted(let tokens), .expired(let tokens):
                tell(.partsExpired(count: tokens.count))
                for slot in tokens.compactMap({ $0 }) { deleteNow(slot) }
            }
        }
        return taken
    }

    private func armExpiry() {
        guard expiryTimer == nil, reassembler.pendingCount > 0 else { return }
        expiryTimer = executor.schedule(after: configuration.reassemblyMaxAge / 4) { [weak self] in
            self?.assumeIsolated { modem in
                modem.expiryTimer = nil
                _ = modem.handle(modem.reassembler.expire(now: modem.executor.time.now))
                modem.armExpiry()
            }
        }
    }
}
