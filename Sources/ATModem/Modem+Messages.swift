/// Sending, reading, listing and deleting SMS in PDU mode.
///
/// TS 27.005 §3.4–3.5 (`+CMGL`, `+CMGR`, `+CMGD`, `+CMGS`). Every operation on a stored message
/// names its slot (memory and index); one on another memory than the modem reads from now is
/// chained behind the `+CPMS` that selects it (`StorageBook.selection(for:)`).
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

    // MARK: - Slot commands

    /// Runs `+<body>` (e.g. `+CMGR=3`) on a slot of `storage`, selecting the memory first when needed.
    func slotCommand(_ body: String, storage: String, timeout: Duration? = nil, urgent: Bool = false, completion: @escaping @Sendable (Result<ATResponse, ModemError>) -> Void) {
        let selection = book.selection(for: storage)
        let text: String
        switch selection {
        case .current:
            text = "AT" + body
        case .select(let memory):
            let receive = book.receiveStorage
            text = "AT+CPMS=\"\(memory)\",\"\(receive)\",\"\(receive)\";" + body
        }
        enqueue(ATCommand(text, timeout: timeout ?? configuration.commandTimeout, urgent: urgent)) { [weak self] result in
            if case .select(let memory) = selection {
                self?.assumeIsolated { $0.book.selectionFinished(memory, succeeded: (try? result.get()) != nil) }
            }
            completion(result)
        }
    }

    func slotCommand(_ body: String, storage: String, timeout: Duration? = nil) async throws(ModemError) -> ATResponse {
        let result: Result<ATResponse, ModemError> = await withCheckedContinuation { continuation in
            slotCommand(body, storage: storage, timeout: timeout) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    // MARK: - Storage

    /// Every message in `storage` (default: where new messages go) with `+CMGL=4`, decoded;
    /// undecodable ones are reported (and, in storage mode, deleted).
    public func listStored(storage: String? = nil) async throws(ModemError) -> [StoredSMS] {
        try await listStored(storage: storage, guardingEach: false)
    }

    /// The listing; with `guardingEach`, each PDU is decoded under the delegate's crash guard and
    /// one it sets aside is left out (and kept from later sweeps).
    func listStored(storage: String?, guardingEach: Bool) async throws(ModemError) -> [StoredSMS] {
        let memory = storage ?? book.receiveStorage
        let response = try await slotCommand("+CMGL=4", storage: memory, timeout: configuration.commandTimeout * 4)
        var messages: [StoredSMS] = []
        var header: [String]?
        for line in response.lines {
            if let fields = ResponseFields.fields(of: line, prefix: "+CMGL") {
                header = fields
                continue
            }
            guard let fields = header, let index = fields.first.flatMap({ Int($0) }) else { continue }
            header = nil
            let slot = StorageSlot(storage: memory, index: index)
            let status = fields.count > 1 ? Int(fields[1]) : nil
            guard guardingEach, book.state(of: slot) == nil else {
                if let stored = decodeStored(slot: slot, status: status, hex: line) { messages.append(stored) }
                continue
            }
            switch guarded(line, { decodeStored(slot: slot, status: status, hex: line) }) {
            case .some(let stored?): messages.append(stored)
            case .some(nil): continue
            case nil: setAside(slot)
            }
        }
        return messages
    }

    /// Reads one stored message (`+CMGR`); nil when the slot is empty.
    public func read(_ slot: StorageSlot) async throws(ModemError) -> StoredSMS? {
        let result: Result<ATResponse, ModemError> = await withCheckedContinuation { continuation in
            slotCommand("+CMGR=\(slot.index)", storage: slot.storage) { continuation.resume(returning: $0) }
        }
        return try parseRead(result, slot: slot)
    }

    func parseRead(_ result: Result<ATResponse, ModemError>, slot: StorageSlot) throws(ModemError) -> StoredSMS? {
        let response: ATResponse
        switch result {
        case .success(let value):
            response = value
        case .failure(let error):
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
            if sawHeader { return decodeStored(slot: slot, status: status, hex: line) }
        }
        return nil
    }

    /// Deletes one stored message (`+CMGD`).
    public func delete(_ slot: StorageSlot) async throws(ModemError) {
        let result: Result<Void, ModemError> = await withCheckedContinuation { continuation in
            deleteNow(slot) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// Deletes several stored messages in order; stops at the first failure, and releases the
    /// rest so a sweep sees every part of the message again.
    public func delete(_ slots: [StorageSlot]) async throws(ModemError) {
        finishedParts.deleted(slots)
        let sorted = Set(slots).sorted()
        for (position, slot) in sorted.enumerated() {
            do {
                try await delete(slot)
            } catch {
                book.released(Array(sorted[(position + 1)...]))
                throw error
            }
        }
    }

    /// Starts a `+CMGD`, ahead of the reads and sends queued (it frees a slot the network may be
    /// waiting for); the book hears of its end, and a `+CMTI` that overtook it is read then. A
    /// chained `+CPMS` stays right: the book takes the memory from each selection as it completes.
    func deleteNow(_ slot: StorageSlot, completion: (@Sendable (Result<Void, ModemError>) -> Void)? = nil) {
        book.deleteStarted(slot)
        slotCommand("+CMGD=\(slot.index)", storage: slot.storage, urgent: true) { [weak self] result in
            self?.assumeIsolated { modem in
                if modem.book.deleteFinished(slot) { modem.readIndicated(slot) }
            }
            completion?(result.map { _ in () })
        }
    }

    /// Gives slots back without deleting them (the relay gave up): the next sweep takes them again.
    public func release(_ slots: [StorageSlot]) {
        book.released(slots)
        finishedParts.released(slots)
    }

    /// Takes up what is stored and not held yet, in every memory the modem offers (where new
    /// messages go last, so older deliveries come first): deliveries go through reassembly to
    /// the delegate, status reports are reported and deleted. Run at start-up, after every
    /// re-open and when a probe shows more stored than held. Returns how many were taken.
    @discardableResult
    public func sweepStorage(allMemories: Bool = true) async throws(ModemError) -> Int {
        var memories = allMemories ? offeredStorages.filter { $0 != book.receiveStorage } : []
        memories.append(book.receiveStorage)
        var taken = 0
        for memory in memories {
            let stored = try await listStored(storage: memory, guardingEach: true)
            var deliveries: [StorageSlot: SMSDeliver] = [:]
            var foreign = 0
            for message in stored {
                switch message.pdu.tpdu {
                case .deliver(let deliver):
                    deliveries[message.slot] = deliver
                case .statusReport(let report):
                    taken += 1
                    tell(.statusReport(report))
                    if book.state(of: message.slot) == nil { deleteNow(message.slot) }
                case .submit:
                    // Drafts or sent copies some modems keep: not a received message, left alone.
                    foreign += 1
                }
            }
            book.noteForeign(foreign, in: memory)
            let hexes = Dictionary(stored.map { ($0.slot, $0.hex) }, uniquingKeysWith: { first, _ in first })
            for slot in book.listed(stored.map(\.slot).filter { deliveries[$0] != nil }) {
                guard let deliver = deliveries[slot] else { continue }
                taken += 1
                if guarded(hexes[slot] ?? "", { accept(deliver, slot: slot) }) == nil { setAside(slot) }
            }
        }
        return taken
    }

    /// Keeps a set-aside message where it is and out of every later sweep of this connection.
    func setAside(_ slot: StorageSlot) {
        book.handedOut([slot])
        tell(.setAside(slot: slot))
    }

    /// Decodes a stored PDU; an undecodable one is reported and, in storage mode, deleted (it
    /// can never be relayed, and it must not fill the SIM).
    func decodeStored(slot: StorageSlot, status: Int?, hex: String) -> StoredSMS? {
        do {
            let pdu = try ModemPDU.decode(hex: hex)
            return StoredSMS(slot: slot, status: status.flatMap(StoredSMS.Status.init(rawValue:)), pdu: pdu, hex: hex)
        } catch {
            tell(.undecodable(slot: slot, error: error))
            if book.state(of: slot) == nil || book.state(of: slot) == .reading {
                book.readFinished(slot, holdsMessage: false)
                deleteNow(slot)
            }
            return nil
        }
    }
}
