/// The TS 27.005 SMS commands in PDU mode.
extension ModemEmulator {
    /// Runs an SMS command, or returns `nil` when `command` is not one.
    mutating func executeMessageCommand(_ command: ATCommand) -> Step? {
        switch command.name {
        case "+CMGF": return messageFormat(command)
        case "+CSMS": return messageService(command)
        case "+CMMS":
            return setting(command, range: 0...2, value: \.moreMessagesToSend, test: "+CMMS: (0-2)")
        case "+CSCA": return serviceCentreAddress(command)
        case "+CSMP": return textModeParameters(command)
        case "+CNMI": return newMessageIndications(command)
        case "+CPMS": return preferredStorage(command)
        case "+CMGL": return guardedSMSCommand(command, Self.listMessages)
        case "+CMGR": return guardedSMSCommand(command, Self.readMessage)
        case "+CMGD": return guardedSMSCommand(command, Self.deleteMessage)
        case "+CMGS": return guardedSMSCommand(command, Self.sendMessage)
        case "+CMGW": return writeMessage(command)
        case "+CNMA": return newMessageAcknowledgement(command)
        default: return nil
        }
    }

    // MARK: - Settings

    /// TS 27.005 §3.2.3 `+CMGF`: this modem speaks PDU mode only.
    private mutating func messageFormat(_ command: ATCommand) -> Step {
        switch command.form {
        case .read: informationLine("+CMGF: 0")
        case .test: informationLine("+CMGF: (0)")
        case .set: return command.arguments[0] == "0" ? .next : .fail(.cms(303))
        case .action: break
        }
        return .next
    }

    /// TS 27.005 §3.2.1 `+CSMS`: service 1 (Phase 2+) makes `+CMT`/`+CDS` need `+CNMA`.
    private mutating func messageService(_ command: ATCommand) -> Step {
        switch command.form {
        case .read: informationLine("+CSMS: \(settings.service),1,1,1")
        case .test: informationLine("+CSMS: (0,1)")
        case .set:
            guard let service = Int(command.arguments[0]), (0...1).contains(service) else { return .fail(.cms(303)) }
            settings.service = service
            informationLine("+CSMS: 1,1,1")
        case .action: return .fail(.error)
        }
        return .next
    }

    /// TS 27.005 §3.3.1 `+CSCA`.
    private mutating func serviceCentreAddress(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            if let failure = simFailure(cms: true) { return .fail(failure) }
            let centre = serviceCentre
            informationLine("+CSCA: \"\(centre)\",\(Self.typeOfAddress(centre))")
        case .test: break
        case .set:
            if let failure = simFailure(cms: true) { return .fail(failure) }
            let number = command.arguments[0]
            guard !number.isEmpty, number.count <= 21,
                number.enumerated().allSatisfy({ $0.element.isNumber || ($0.offset == 0 && $0.element == "+") })
            else { return .fail(.cms(304)) }
            serviceCentre = number
        case .action: return .fail(.error)
        }
        return .next
    }

    /// TS 27.005 §3.3.2 `+CSMP`: stored for text mode, which this modem does not use.
    private mutating func textModeParameters(_ command: ATCommand) -> Step {
        switch command.form {
        case .read: informationLine("+CSMP: " + settings.textModeParameters)
        case .test: break
        case .set(let raw): settings.textModeParameters = raw
        case .action: break
        }
        return .next
    }

    /// TS 27.005 §3.4.1 `+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>`.
    private mutating func newMessageIndications(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            let current = settings.indications
            informationLine("+CNMI: \(current.mode),\(current.mt),\(current.bm),\(current.ds),\(current.bfr)")
        case .test:
            informationLine("+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)")
        case .set:
            let arguments = command.arguments
            guard arguments.count <= 5 else { return .fail(.cms(303)) }
            let limits = [3, 3, 3, 2, 1]
            var values = [
                settings.indications.mode, settings.indications.mt, settings.indications.bm,
                settings.indications.ds, settings.indications.bfr,
            ]
            for (position, argument) in arguments.enumerated() where !argument.isEmpty {
                guard let value = Int(argument), (0...limits[position]).contains(value) else {
                    return .fail(.cms(303))
                }
                values[position] = value
            }
            settings.indications = .init(mode: values[0], mt: values[1], bm: values[2], ds: values[3], bfr: values[4])
        case .action:
            settings.indications = .init()
        }
        return .next
    }

    // MARK: - Storage

    /// TS 27.005 §3.2.2 `+CPMS=<mem1>[,<mem2>[,<mem3>]]`: each set on its own, an omitted or
    /// empty one stays; mem1 is read/listed/deleted, mem2 written, mem3 where new messages go.
    private mutating func preferredStorage(_ command: ATCommand) -> Step {
        switch command.form {
        case .test:
            // TS 27.005 §3.2.2: the supported <mem1>s, <mem2>s and <mem3>s, each a parenthesised list.
            let offered = "(" + VirtualModemConfiguration.storages.map { "\"\($0)\"" }.joined(separator: ",") + ")"
            informationLine("+CPMS: " + [offered, offered, offered].joined(separator: ","))
            return .next
        case .action:
            return .fail(.error)
        case .read:
            if let failure = simFailure(cms: true) ?? simBusy() { return .fail(failure) }
            let areas = [settings.readStorage, settings.writeStorage, settings.receiveStorage]
            informationLine("+CPMS: " + areas.map { "\"\($0)\",\(usage(of: $0))" }.joined(separator: ","))
            return .next
        case .set:
            if let failure = simFailure(cms: true) ?? simBusy() { return .fail(failure) }
            let requested = command.arguments.map { $0.uppercased() }
            guard requested.count <= 3, requested.allSatisfy({ VirtualModemConfiguration.storages.contains($0) || $0.isEmpty }),
                !requested[0].isEmpty
            else { return .fail(.cms(302)) }
            settings.readStorage = requested[0]
            if requested.count > 1, !requested[1].isEmpty { settings.writeStorage = requested[1] }
            if requested.count > 2, !requested[2].isEmpty { settings.receiveStorage = requested[2] }
            let areas = [settings.readStorage, settings.writeStorage, settings.receiveStorage]
            informationLine("+CPMS: " + areas.map { usage(of: $0) }.joined(separator: ","))
            return .next
        }
    }

    /// `<used>,<total>`; the storage-full fault makes the area look full, as a full SIM does.
    private func usage(of name: String) -> String {
        let area = storage(named: name)
        return "\(storageFullFault ? area.capacity : area.usedCount),\(area.capacity)"
    }

    func storage(named name: String) -> MessageStorage {
        name == "ME" ? phoneStorage : simStorage
    }

    mutating func withStorage<Result>(named name: String, _ body: (inout MessageStorage) -> Result) -> Result {
        name == "ME" ? body(&phoneStorage) : body(&simStorage)
    }

    /// The 0-based slot for a client's index, or `nil` when it is not a number in range.
    private func slot(for argument: String, in area: MessageStorage) -> Int? {
        guard let index = Int(argument) else { return nil }
        let slot = index - configuration.firstIndex
        return (0..<area.capacity).contains(slot) ? slot : nil
    }

    /// `+CMS ERROR: 314` while the SIM is still loading after power-up.
    private mutating func simBusy() -> FinalResult? {
        guard simBusyLeft > 0 else { return nil }
        simBusyLeft -= 1
        return .cms(314)
    }

    /// SIM lock and the `cmsError` fault apply to the four commands that touch stored messages.
    private mutating func guardedSMSCommand(_ command: ATCommand, _ body: (inout Self, ATCommand) -> Step) -> Step {
        if case .test = command.form { return body(&self, command) }
        if let failure = simFailure(cms: true) ?? simBusy() { return .fail(failure) }
        if cmsErrorsLeft > 0 {
            cmsErrorsLeft -= 1
            return .fail(.cms(cmsErrorCode))
        }
        return body(&self, command)
    }

    /// TS 27.005 §3.4.2 `+CMGL=<stat>` in PDU mode: `+CMGL: <index>,<stat>,,<length>` then the PDU.
    private static func listMessages(_ modem: inout Self, _ command: ATCommand) -> Step {
        let wanted: Int
        switch command.form {
        case .test:
            modem.informationLine("+CMGL: (0-4)")
            return .next
        case .read: return .fail(.error)
        case .action: wanted = 0
        case .set:
            guard let value = Int(command.arguments[0]), (0...4).contains(value) else { return .fail(.cms(304)) }
            wanted = value
        }
        let name = modem.settings.readStorage
        let area = modem.storage(named: name)
        for slot in 0..<area.capacity {
            guard let message = area.message(at: slot), wanted == 4 || message.status.rawValue == wanted else { continue }
            modem.informationLine(
                "+CMGL: \(slot + modem.configuration.firstIndex),\(message.status.rawValue),,\(message.tpdu.count)")
            modem.continuationLine(modem.pduWithServiceCentre(message.tpdu))
            if message.status == .receivedUnread {
                modem.withStorage(named: name) { $0.setStatus(.receivedRead, at: slot) }
            }
        }
        return .next
    }

    /// TS 27.005 §3.4.3 `+CMGR=<index>`: `+CMGR: <stat>,,<length>` then the PDU; marks it read.
    private static func readMessage(_ modem: inout Self, _ command: ATCommand) -> Step {
        switch command.form {
        case .test: return .next
        case .read, .action: return .fail(.error)
        case .set: break
        }
        let name = modem.settings.readStorage
        let area = modem.storage(named: name)
        guard let slot = modem.slot(for: command.arguments[0], in: area), let message = area.message(at: slot) else {
            return .fail(.cms(321))
        }
        modem.informationLine("+CMGR: \(message.status.rawValue),,\(message.tpdu.count)")
        modem.continuationLine(modem.pduWithServiceCentre(message.tpdu))
        if message.status == .receivedUnread {
            modem.withStorage(named: name) { $0.setStatus(.receivedRead, at: slot) }
        }
        return .next
    }

    /// TS 27.005 §3.5.4 `+CMGD=<index>[,<delflag>]`.
    private static func deleteMessage(_ modem: inout Self, _ command: ATCommand) -> Step {
        let name = modem.settings.readStorage
        switch command.form {
        case .test:
            let area = modem.storage(named: name)
            let used = (0..<area.capacity).filter { area.message(at: $0) != nil }
                .map { String($0 + modem.configuration.firstIndex) }
            modem.informationLine("+CMGD: (" + used.joined(separator: ",") + "),(0-4)")
            return .next
        case .read, .action: return .fail(.error)
        case .set: break
        }
        let arguments = command.arguments
        let flag = arguments.count > 1 && !arguments[1].isEmpty ? Int(arguments[1]) : 0
        guard let flag, (0...4).contains(flag) else { return .fail(.cms(304)) }
        if flag > 0 {
            modem.withStorage(named: name) { $0.deleteAll(flag: flag) }
            return .next
        }
        guard let slot = modem.slot(for: arguments[0], in: modem.storage(named: name)) else { return .fail(.cms(321)) }
        modem.withStorage(named: name) { $0.delete(at: slot) }
        return .next
    }

    // MARK: - Sending and writing

    /// TS 27.005 §3.5.1 `+CMGS=<length>`: prompt, then the PDU ended by Ctrl-Z.
    private static func sendMessage(_ modem: inout Self, _ command: ATCommand) -> Step {
        switch command.form {
        case .test: return .next
        case .read, .action: return .fail(.error)
        case .set: break
        }
        guard let length = Int(command.arguments[0]), (1...176).contains(length) else { return .fail(.cms(304)) }
        guard modem.settings.functionality == 1 else { return .fail(.cms(331)) }
        modem.prompt(for: .send(length: length))
        return .suspend
    }

    /// TS 27.005 §3.5.3 `+CMGW=<length>[,<stat>]`: store a PDU; `+CMS ERROR: 322` when full.
    private mutating func writeMessage(_ command: ATCommand) -> Step {
        switch command.form {
        case .test: return .next
        case .read, .action: return .fail(.error)
        case .set: break
        }
        if let failure = simFailure(cms: true) { return .fail(failure) }
        let arguments = command.arguments
        guard let length = Int(arguments[0]), (1...176).contains(length) else { return .fail(.cms(304)) }
        var status = MessageStorage.Status.storedUnsent
        if arguments.count > 1, !arguments[1].isEmpty {
            guard let value = Int(arguments[1]), let given = MessageStorage.Status(rawValue: value) else {
                return .fail(.cms(304))
            }
            status = given
        }
        prompt(for: .write(length: length, status: status))
        return .suspend
    }

    /// TS 27.005 §3.4.4 `+CNMA[=<n>[,<length>]]`: acknowledges the `+CMT`/`+CDS` shown last.
    private mutating func newMessageAcknowledgement(_ command: ATCommand) -> Step {
        var reply = 0
        var length = 0
        switch command.form {
        case .test:
            informationLine("+CNMA: (0-2)")
            return .next
        case .read: return .fail(.error)
        case .action: break
        case .set:
            let arguments = command.arguments
            guard let value = Int(arguments[0]), (0...2).contains(value) else { return .fail(.cms(304)) }
            reply = value
            if arguments.count > 1 {
                guard let given = Int(arguments[1]), (0...176).contains(given) else { return .fail(.cms(304)) }
                length = given
            }
        }
        guard settings.service == 1 else { return .fail(.cms(302)) }
        guard awaitingAcknowledgement != nil else { return .fail(.cms(340)) }
        if length > 0 {
            prompt(for: .acknowledge(length: reply == 2 ? -length : length))
            return .suspend
        }
        acknowledge(accepted: reply != 2)
        return .next
    }

    private mutating func prompt(for purpose: PDUPurpose) {
        mode = .pduEntry(purpose)
        pduBuffer = []
        emit(Array("\r\n> ".utf8))
    }

    /// The client ended a PDU with Ctrl-Z.
    mutating func finishPDU(_ purpose: PDUPurpose, hex: [UInt8]) {
        let declared: Int
        switch purpose {
        case .send(let length), .write(let length, _): declared = length
        case .acknowledge(let length): declared = abs(length)
        }
        guard let tpdu = Self.transferPDU(fromHex: hex, declaredLength: declared) else {
            trace("PDU rejected (\(hex.count / 2) octets, \(declared) declared)")
            finalResult(.cms(304))
            resumeCommandMode()
            return
        }
        trace("PDU \(tpdu.count) octets")
        switch purpose {
        case .send:
            guard tpdu.count >= 2, tpdu[0] & 0x03 == 0x01 else {
                finalResult(.cms(304))
                resumeCommandMode()
                return
            }
            var submit = tpdu
            let reference = nextMessageReference
            nextMessageReference &+= 1
            submit[1] = reference
            let ticket = nextSerial
            nextSerial += 1
            mode = .awaitingNetwork(ticket: ticket, messageReference: reference)
            append(.submit(tpdu: submit, messageReference: reference, ticket: ticket))
        case .write(_, let status):
            let name = settings.writeStorage
            let slot: Int? =
                storageFullFault
                ? nil : withStorage(named: name) { $0.store(.init(status: status, tpdu: tpdu, sender: "")) }
            if let slot {
                informationLine("+CMGW: \(slot + configuration.firstIndex)")
                finalResult(.ok)
            } else {
                finalResult(.cms(322))
            }
            resumeCommandMode()
        case .acknowledge(let length):
            acknowledge(accepted: length > 0)
            finalResult(.ok)
            resumeCommandMode()
        }
    }
}
