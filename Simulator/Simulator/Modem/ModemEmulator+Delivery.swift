/// Incoming messages from the network: stored with `+CMTI`/`+CDSI` or routed as `+CMT`/`+CDS`.
///
/// TS 27.005 §3.4.1 (`+CNMI` `<mt>` and `<ds>` routing), §3.4.4 (`+CNMA` with `+CSMS=1`).
extension ModemEmulator {
    /// An SMS-DELIVER TPDU (no SMSC prefix) from `sender` arrived over the air.
    public mutating func deliver(tpdu: [UInt8], sender: String) -> (DeliveryOutcome, [Action]) {
        let outcome = route(Indication(kind: .deliver, tpdu: tpdu, sender: sender))
        return (outcome, takeActions())
    }

    /// An SMS-STATUS-REPORT TPDU (no SMSC prefix) arrived over the air.
    public mutating func deliverStatusReport(tpdu: [UInt8]) -> (DeliveryOutcome, [Action]) {
        let outcome = route(Indication(kind: .statusReport, tpdu: tpdu, sender: ""))
        return (outcome, takeActions())
    }

    /// What is in storage now, for the control socket.
    public func storedMessages() -> [StoredMessageInfo] {
        [simStorage, phoneStorage].flatMap { area in
            (0..<area.capacity).compactMap { slot in
                area.message(at: slot).map {
                    StoredMessageInfo(storage: area.name, index: slot + configuration.firstIndex,
                                      status: $0.status.text, sender: $0.sender)
                }
            }
        }
    }

    /// The storages `+CPMS` has selected now.
    public var preferredStorage: PreferredStorage {
        PreferredStorage(read: settings.readStorage, write: settings.writeStorage, receive: settings.receiveStorage)
    }

    mutating func route(_ indication: Indication) -> DeliveryOutcome {
        guard !isOffline, !isHung, settings.functionality == 1 else { return .refused(.unreachable) }
        guard sim == .ready else { return .refused(.simLocked) }
        let indications = settings.indications
        let routing = indication.kind == .deliver ? indications.mt : indications.ds
        let direct = indications.mode != 0 && ((indication.kind == .deliver && routing == 2)
            || (indication.kind == .statusReport && routing == 1))
        if direct {
            if settings.service == 1, awaitingAcknowledgement != nil {
                // TS 27.005 §3.4.1: no new +CMT/+CDS until the previous one is acknowledged.
                indicationQueue.append(indication)
            } else {
                show(indication)
            }
            return .forwarded
        }
        if indication.kind == .statusReport && routing == 0 {
            return .forwarded  // ds=0: the report is not routed to the TE at all
        }
        let name = settings.receiveStorage
        guard !storageFullFault,
            let slot = withStorage(named: name, {
                $0.store(.init(status: .receivedUnread, tpdu: indication.tpdu, sender: indication.sender))
            })
        else {
            trace("incoming message refused: storage \(name) full")
            return .refused(.storageFull)
        }
        let index = slot + configuration.firstIndex
        if indications.mode != 0 && routing != 0 {
            unsolicited(indication.kind == .deliver ? "+CMTI: \"\(name)\",\(index)" : "+CDSI: \"\(name)\",\(index)")
        }
        return .stored(storage: name, index: index)
    }

    /// Prints `+CMT: ,<length>` / `+CDS: <length>` and the PDU; with `+CSMS=1` waits for `+CNMA`.
    private mutating func show(_ indication: Indication) {
        let pdu = pduWithServiceCentre(indication.tpdu)
        switch indication.kind {
        case .deliver: unsolicited("+CMT: ,\(indication.tpdu.count)", pdu: pdu)
        case .statusReport: unsolicited("+CDS: \(indication.tpdu.count)", pdu: pdu)
        }
        guard settings.service == 1 else { return }
        let serial = nextSerial
        nextSerial += 1
        awaitingAcknowledgement = (indication, serial)
        append(.startTimer(ModemTimer(kind: .acknowledgement, serial: serial),
                           after: configuration.scaledAcknowledgementTimeout))
    }

    /// The client acknowledged (RP-ACK) or refused (RP-ERROR) the message shown last.
    mutating func acknowledge(accepted: Bool) {
        guard let pending = awaitingAcknowledgement else { return }
        awaitingAcknowledgement = nil
        trace(accepted ? "+CNMA: acknowledged" : "+CNMA: refused; network keeps the message")
        if !accepted { scheduleRedelivery(pending.indication) }
        showNextIndication()
    }

    mutating func showNextIndication() {
        guard awaitingAcknowledgement == nil, !indicationQueue.isEmpty else { return }
        show(indicationQueue.removeFirst())
    }

    /// The network holds a message it could not hand over and tries again later.
    mutating func scheduleRedelivery(_ indication: Indication) {
        let serial = nextSerial
        nextSerial += 1
        redeliveries[serial] = indication
        append(.startTimer(ModemTimer(kind: .redelivery, serial: serial), after: configuration.scaledRedeliveryDelay))
    }
}
