/// Sending, reading, listing and deleting SMS in PDU mode, and turning URCs into messages.
///
/// TS 27.005 §3.4–3.5 (`+CMGL`, `+CMGR`, `+CMGD`, `+CMGS`, `+CNMA`) and §3.4.1 (`+CNMI` indications).
extension Modem {
    // MARK: - Sending

    /// Sends a text to `number`, in as many concatenated parts as it needs; returns each part's TP-MR.
    public func send(
        text: String,
        to number: String,
        forceUCS2: Bool = false,
        statusReportRequest: Bool = false,
        messageClass: MessageClass? = nil
    ) async throws(ModemError) -> [Int] {
        let destination = PhoneAddress(parsing: number)
        guard !destination.value.isEmpty else { throw .unsendable(reason: "empty destination number") }
        guard SMSSegmenter.fitsInOneMessage(text, forceUCS2: forceUCS2) else {
            throw .unsendable(reason: "text needs more than 255 parts")
        }
        let reference = nextConcatenationReference
        nextConcatenationReference = (nextConcatenationReference % 255) + 1
        let parts = SMSSubmit.parts(
            to: destination, text: text, forceUCS2: forceUCS2,
            statusReportRequest: statusReportRequest, messageClass: messageClass,
            concatenationReference: reference
        )
        guard !parts.isEmpty else { throw .unsendable(reason: "no parts") }
        if parts.count > 1 {
            // Keep the radio link up between parts where the modem supports it.
            _ = try? await execute("AT+CMMS=1")
        }
        var references: [Int] = []
        for part in parts {
            let tpdu: [UInt8]
            do { tpdu = try part.encode() } catch { throw .pdu(error) }
            references.append(try await submit(tpdu: tpdu))
        }
        return references
    }

    /// Submits one encoded TPDU with `+CMGS` and returns the message reference the modem reports.
    public func submit(tpdu: [UInt8]) async throws(ModemError) -> Int {
        let hex = ModemPDU.hex(smsc: nil, tpdu: tpdu)
        let command = ATCommand("AT+CMGS=\(tpdu.count)", payload: Array(hex.utf8), timeout: configuration.sendTimeout)
        let response = try await execute(command)
        guard let fields = response.lines.lazy.compactMap({ ResponseFields.fields(of: $0, prefix: "+CMGS") }).first,
              let reference = fields.first.flatMap({ Int($0) })
        else { throw .unexpectedResponse(command: "AT+CMGS", detail: "no +CMGS: <mr> line") }
        return reference
    }

    // MARK: - Storage

    /// Every message in the current storage (`+CMGL=4`), decoded; undecodable ones are reported on `events`.
    public func listStored() async throws(ModemError) -> [StoredSMS] {
        let response = try await execute("AT+CMGL=4", timeout: configuration.commandTimeout * 4)
        var messages: [StoredSMS] = []
        var header: [String]?
        for line in response.lines {
            if let fields = ResponseFields.fields(of: line, prefix: "+CMGL") {
                header = fields
                continue
            }
            guard let fields = header, let index = fields.first.flatMap({ Int($0) }) else { continue }
            header = nil
            if let stored = decodeStored(index: index, status: fields.count > 1 ? Int(fields[1]) : nil, hex: line) {
                messages.append(stored)
            }
        }
        return messages
    }

    /// Reads one stored message (`+CMGR`); nil when the slot is empty.
    public func read(index: Int) async throws(ModemError) -> StoredSMS? {
        let response: ATResponse
        do {
            response = try await execute("AT+CMGR=\(index)")
        } catch {
            // 321: invalid memory index — the slot is empty (already deleted or never used).
            if case .command(.commandFailed(_, .cmsError(321, _))) = error { return nil }
            throw error
        }
        var status: Int?
        var sawHeader = false
        for line in response.lines {
            if let fields = ResponseFields.fields(of: line, prefix: "+CMGR") {
                sawHeader = true
                status = fields.first.flatMap { Int($0) }
                continue
            }
            if sawHeader { return decodeStored(index: index, status: status, hex: line) }
        }
        return nil
    }

    /// Deletes one stored message (`+CMGD`).
    public func delete(index: Int) async throws(ModemError) {
        deleting.insert(index)
        defer {
            deleting.remove(index)
            // The caller is done with the message either way. After a failed delete it stays in
            // storage, and the next sweep must hand it out again so that it can be deleted then.
            handedOut.remove(index)
            // A `+CMTI` for this slot that overtook the end of the delete names the next message
            // stored there: read it now that the old one is gone from the books too.
            if indicatedWhileDeleting.remove(index) != nil {
                Task { await self.fetchStored(index: index) }
            }
        }
        try await execute("AT+CMGD=\(index)")
    }

    /// Deletes several stored messages; stops at the first failure.
    public func delete(indices: [Int]) async throws(ModemError) {
        let sorted = Set(indices).sorted()
        for (position, index) in sorted.enumerated() {
            do {
                try await delete(index: index)
            } catch {
                // The rest stay in storage: released, so a sweep sees every part of the message again.
                handedOut.subtract(sorted[position...])
                throw error
            }
        }
    }

    /// Processes what is already stored: deliveries go through reassembly onto `incoming`,
    /// status reports onto `statusReports` (and are deleted). Run at start-up and after every reconnect.
    /// Returns how many stored messages were taken up.
    @discardableResult
    public func processStored() async throws(ModemError) -> Int {
        var taken = 0
        for stored in try await listStored() where !handedOut.contains(stored.index) && !buffered.contains(stored.index) {
            switch stored.pdu.tpdu {
            case .deliver(let deliver):
                taken += 1
                accept(deliver, index: stored.index)
            case .statusReport(let report):
                taken += 1
                statusContinuation.yield(report)
                try await delete(index: stored.index)
            case .submit:
                // Drafts or sent copies some modems keep; not a received message.
                continue
            }
        }
        return taken
    }

    // MARK: - Indications

    func handle(_ urc: URC) {
        switch urc.name.uppercased() {
        case "+CMTI":
            guard let index = urc.storageIndex?.index else { return }
            Task { await self.fetchStored(index: index) }
        case "+CMT":
            handleDirect(urc) { [weak self] hex in
                guard let self else { return }
                let pdu = try ModemPDU.decode(hex: hex)
                if case .deliver(let deliver) = pdu.tpdu { await self.accept(deliver, index: nil) }
            }
        case "+CDS":
            handleDirect(urc) { [weak self] hex in
                guard let self else { return }
                let pdu = try ModemPDU.decode(hex: hex)
                if case .statusReport(let report) = pdu.tpdu { await self.yieldStatusReport(report) }
            }
        case "+CDSI":
            guard let index = urc.storageIndex?.index else { return }
            Task { await self.fetchStatusReport(index: index) }
        case "+CREG":
            if let stat = urc.registration?.status, let status = RegistrationStatus(rawValue: stat) {
                eventContinuation.yield(.registration(status))
            }
        default:
            eventContinuation.yield(.unsolicited(name: urc.name))
        }
    }

    /// `+CMT`/`+CDS` carry the PDU on their trailing line; in direct mode each must be acknowledged.
    private func handleDirect(_ urc: URC, decode: @escaping @Sendable (String) async throws -> Void) {
        let hex = urc.trailing.first
        let acknowledge = configuration.receiveMode == .direct
        Task {
            if let hex, urc.complete {
                do {
                    try await decode(hex)
                } catch let error as PDUError {
                    self.reportUndecodable(index: nil, error: error)
                } catch {}
            }
            // Acknowledge even what we could not decode: a refused ack only makes the network resend it.
            if acknowledge { _ = try? await self.execute("AT+CNMA") }
        }
    }

    private func reportUndecodable(index: Int?, error: PDUError) {
        eventContinuation.yield(.undecodable(index: index, error: error))
    }

    private func yieldStatusReport(_ report: SMSStatusReport) {
        statusContinuation.yield(report)
    }

    private func fetchStored(index: Int) async {
        if handedOut.contains(index) && deleting.contains(index) {
            // The modem freed the slot and stored a new message in it before the delete's `OK`
            // was taken up here: not the message handed out, which dropping it would lose.
            indicatedWhileDeleting.insert(index)
            return
        }
        guard !handedOut.contains(index), !buffered.contains(index), !reading.contains(index) else { return }
        reading.insert(index)
        defer { reading.remove(index) }
        guard let stored = try? await read(index: index) else { return }
        switch stored.pdu.tpdu {
        case .deliver(let deliver): accept(deliver, index: index)
        case .statusReport(let report):
            statusContinuation.yield(report)
            _ = try? await delete(index: index)
        case .submit: return
        }
    }

    private func fetchStatusReport(index: Int) async {
        guard let stored = try? await read(index: index) else { return }
        if case .statusReport(let report) = stored.pdu.tpdu { statusContinuation.yield(report) }
        _ = try? await delete(index: index)
    }

    private func decodeStored(index: Int, status: Int?, hex: String) -> StoredSMS? {
        do {
            let pdu = try ModemPDU.decode(hex: hex)
            return StoredSMS(index: index, status: status.flatMap(StoredSMS.Status.init(rawValue:)), pdu: pdu)
        } catch {
            reportUndecodable(index: index, error: error)
            return nil
        }
    }

    // MARK: - Reassembly

    /// Feeds one part to the reassembler and hands out what completes.
    func accept(_ deliver: SMSDeliver, index: Int?) {
        if let index { buffered.insert(index) }
        handle(reassembler.add(deliver, token: index, now: clock.now))
        armExpiry()
    }

    private func handle(_ events: [ReassemblyEvent<Int?>]) {
        for event in events {
            switch event {
            case .complete(let message):
                let indices = message.tokens.compactMap { $0 }
                buffered.subtract(indices)
                handedOut.formUnion(indices)
                incomingContinuation.yield(ReceivedSMS(
                    sender: message.originator,
                    body: message.body,
                    alphabet: message.alphabet,
                    timestamp: message.timestamp,
                    messageClass: message.messageClass,
                    concatenationReference: message.concatenationReference,
                    partCount: message.partCount,
                    storageIndices: indices.sorted()
                ))
            case .duplicate:
                // Kept in storage until the message it duplicates is relayed; its token is in that message's list.
                continue
            case .evicted(let tokens), .expired(let tokens):
                let indices = tokens.compactMap { $0 }
                buffered.subtract(indices)
                eventContinuation.yield(.partsExpired(count: tokens.count))
                if !indices.isEmpty {
                    Task { _ = try? await self.delete(indices: indices) }
                }
            }
        }
    }

    private func armExpiry() {
        guard expiryTask == nil, reassembler.pendingCount > 0 else { return }
        let clock = self.clock
        let interval = configuration.reassemblyMaxAge / 4
        expiryTask = Task { [weak self] in
            do { try await clock.sleep(for: interval, tolerance: nil) } catch { return }
            await self?.expireParts()
        }
    }

    private func expireParts() {
        expiryTask = nil
        handle(reassembler.expire(now: clock.now))
        armExpiry()
    }
}
