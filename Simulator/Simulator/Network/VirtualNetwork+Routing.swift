import SMSCodec
import SerialTransport
import TrackerProfiles
import Dispatch
import Foundation

/// Carrying messages: modem → subscriber (SUBMIT), subscriber → modem (DELIVER), and retries.
extension VirtualNetwork {
    /// TS 23.040 §10.2 — the SMSC acknowledges a SUBMIT after the radio delay, then hands the
    /// message to its recipient. The acknowledgement comes first so that a tracker's reply
    /// can never overtake the `+CMGS` of the command that asked for it.
    public func modemSubmitted(
        _ submit: SMSSubmit, messageReference: UInt8, from modemNumber: String,
        completion: @escaping @Sendable (SubmitOutcome) -> Void
    ) {
        queue.asyncAfter(deadline: .now() + radioDelay.timeInterval) { [self] in
            completion(.accepted)
            carry(submit, messageReference: messageReference, from: modemNumber)
        }
    }

    /// The network delivers `text` from `sender` to the modem numbered `to` (the first modem when
    /// nil), as concatenated parts when long. Throws for an unknown modem, or when the text
    /// needs more than the 255 parts concatenation can number.
    public func send(from sender: String, text: String, ucs2: Bool = false, to modem: String? = nil) throws(SimulationError) {
        try send(from: sender, text: text, ucs2: ucs2, toModems: [try modemIndex(modem, operation: "send")])
    }

    /// One message to several modems: the same PDUs (timestamp, concatenation reference, text),
    /// as the SMSC stamps one tracker alarm pushed to each of its authorised numbers.
    func send(from sender: String, text: String, ucs2: Bool, toModems indices: [Int]) throws(SimulationError) {
        let partCount = SMSSegmenter.split(text, forceUCS2: ucs2).parts.count
        guard partCount <= SMSSegmenter.maximumParts else {
            throw SimulationError(
                path: sender, operation: "send", detail: "text needs \(partCount) parts; concatenation allows 255")
        }
        let reference = withLock { () -> Int in
            let next = ((lastConcatenationReference[sender] ?? 0) + 1) & 0xFF
            lastConcatenationReference[sender] = next
            return next
        }
        let parts = SMSDeliver.parts(
            from: PhoneAddress(parsing: sender), text: text, timestamp: timestamp(), forceUCS2: ucs2,
            concatenationReference: reference)
        for index in indices { enqueue(parts.map(ModemBound.deliver), to: index) }
    }

    /// Delivers hand-made parts of one concatenated message in `order` (1-based part numbers;
    /// repeats deliver a part again, missing numbers never arrive) to the modem numbered `to`.
    public func sendParts(
        from sender: String, parts: [String], reference: Int, order: [Int], ucs2: Bool = false, to modem: String? = nil
    ) throws(SimulationError) {
        let index = try modemIndex(modem, operation: "send parts")
        precondition(!parts.isEmpty && parts.count <= 255, "a concatenated message has 1 to 255 parts")
        let alphabet = parts.contains { SMSSegmenter.alphabet(for: $0, forceUCS2: ucs2) == .ucs2 } ? Alphabet.ucs2 : .gsm7
        let stamp = timestamp()
        let delivers = order.map { number in
            precondition((1...parts.count).contains(number), "part number \(number) outside 1…\(parts.count)")
            return SMSDeliver(
                originator: PhoneAddress(parsing: sender), dataCoding: DataCodingScheme(alphabet: alphabet),
                serviceCentreTimestamp: stamp,
                userDataHeader: UserDataHeader(
                    concatenation: ConcatenationInfo(reference: reference & 0xFF, total: parts.count, part: number)),
                body: .text(parts[number - 1]))
        }
        enqueue(delivers.map(ModemBound.deliver), to: index)
    }

    /// Tries the held deliveries again now (after a storage fault was cleared, say).
    public func retryDeliveries() {
        flushDeliveries()
    }

    /// Returns once the network has handled everything handed to it before the call (submits
    /// past their radio delay excepted): a way for tests to wait for an event, not for time.
    public func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    // MARK: Internals

    /// Hands one SUBMIT to its recipient; runs on `queue`.
    private func carry(_ submit: SMSSubmit, messageReference: UInt8, from modemNumber: String) {
        let destination = submit.destination.description
        let instant = ContinuousClock.now
        // A SUBMIT read as the DELIVER its recipient would get, so the codec's reassembler applies.
        let asDelivered = SMSDeliver(
            originator: PhoneAddress(parsing: modemNumber), protocolIdentifier: submit.protocolIdentifier,
            dataCoding: submit.dataCoding, serviceCentreTimestamp: timestamp(), userDataHeader: submit.userDataHeader,
            body: submit.body)
        let endpoint = modemIndex(addressedBy: modemNumber)
        let replies: [TrackerReply]? = withLock {
            stats.submittedParts += 1
            if let endpoint { endpoints[endpoint].traffic.submittedParts += 1 }
            func countMessage() {
                stats.submittedMessages += 1
                if let endpoint { endpoints[endpoint].traffic.submittedMessages += 1 }
            }
            if let index = phones.firstIndex(where: { PhoneNumbers.same($0.number, destination) }) {
                for case .complete(let message) in phones[index].reassembler.add(asDelivered, token: 0, now: instant) {
                    countMessage()
                    stats.phoneMessages += 1
                    phones[index].inbox.append(
                        InboxMessage(from: modemNumber, text: message.text ?? "", parts: message.partCount))
                }
                return nil
            }
            if let index = trackers.firstIndex(where: { PhoneNumbers.same($0.tracker.number, destination) }) {
                var replies: [TrackerReply] = []
                for case .complete(let message) in trackers[index].reassembler.add(asDelivered, token: 0, now: instant) {
                    countMessage()
                    stats.trackerCommands += 1
                    replies += trackers[index].tracker.receive(message.text ?? "", from: modemNumber, at: now())
                }
                return replies
            }
            if submit.concatenation.map({ $0.part == $0.total }) ?? true {
                countMessage()
                stats.undeliverable += 1
            }
            return nil
        }
        logger.debug(
            "network carried a submitted part",
            metadata: ["to": .string(Self.masked(destination)), "recipient": .string(replies == nil ? "phone or nobody" : "tracker")])
        wakeInboxWaiters()
        if submit.statusReportRequest {
            let known = withLock {
                phones.contains { PhoneNumbers.same($0.number, destination) }
                    || trackers.contains { PhoneNumbers.same($0.tracker.number, destination) }
            }
            let stamp = timestamp()
            // TP-ST 0x00 "received by the SME"; 0x41 "incompatible destination" for a number nobody has.
            let report = SMSStatusReport(
                messageReference: messageReference, recipient: submit.destination, serviceCentreTimestamp: stamp,
                dischargeTime: stamp, status: known ? 0x00 : 0x41)
            enqueue([.statusReport(report)], to: endpoint ?? 0)
        }
        if let replies, !replies.isEmpty {
            route(replies, from: destination)
        }
    }

    /// Sends what a tracker said: to the modems it names, straight into a phone's inbox, or nowhere.
    ///
    /// The same text to several modems (an alarm to every authorised gateway number) goes out
    /// as one message the SMSC stamps once, so each modem receives identical PDUs.
    func route(_ replies: [TrackerReply], from trackerNumber: String) {
        var toModems: [(reply: TrackerReply, modems: [Int])] = []
        var phoneReached = false
        for reply in replies {
            let modem = modemIndex(addressedBy: reply.to)
            let toPhone: Bool = withLock {
                stats.trackerReplies += 1
                guard modem == nil, let index = phones.firstIndex(where: { PhoneNumbers.same($0.number, reply.to) }) else {
                    if modem == nil { stats.undeliverable += 1 }
                    return false
                }
                let parts = SMSSegmenter.split(reply.text, forceUCS2: reply.ucs2).parts.count
                phones[index].inbox.append(InboxMessage(from: trackerNumber, text: reply.text, parts: parts))
                stats.phoneMessages += 1
                return true
            }
            phoneReached = phoneReached || toPhone
            guard let modem else { continue }
            if let same = toModems.firstIndex(where: { $0.reply.text == reply.text && $0.reply.ucs2 == reply.ucs2 }) {
                if !toModems[same].modems.contains(modem) { toModems[same].modems.append(modem) }
            } else {
                toModems.append((reply, [modem]))
            }
        }
        for (reply, modems) in toModems {
            // Tracker replies are a few hundred characters: always within 255 parts.
            try? send(from: trackerNumber, text: reply.text, ucs2: reply.ucs2, toModems: modems)
        }
        if phoneReached { wakeInboxWaiters() }
    }

    private func timestamp() -> ServiceCentreTimestamp {
        ServiceCentreTimestamp(date: now())
    }

    /// `+1•••••7294`: enough to tell numbers apart in a log, not enough to identify anyone.
    static func masked(_ number: String) -> String {
        let digits = PhoneNumbers.digits(number)
        guard digits.count > 4 else { return String(repeating: "•", count: digits.count) }
        let prefix = number.hasPrefix("+") ? "+" + digits.prefix(1) : String(digits.prefix(1))
        return prefix + String(repeating: "•", count: digits.count - 5) + digits.suffix(4)
    }
}
