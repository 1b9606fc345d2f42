/// The V.250 basic commands and the TS 27.007 general, SIM and network commands.
extension ModemEmulator {
    mutating func execute(_ command: ATCommand) -> Step {
        if command.isExtended {
            if let step = executeMessageCommand(command) { return step }
            return executeExtended(command)
        }
        return executeBasic(command)
    }

    // MARK: - V.250 basic commands

    private mutating func executeBasic(_ command: ATCommand) -> Step {
        let value: Int?
        switch command.form {
        case .action: value = 0
        case .set(let raw): value = Int(raw)
        case .read, .test: value = nil
        }
        switch command.name {
        case "E":
            guard let value, value <= 1 else { return .fail(.error) }
            settings.echo = value == 1
        case "V":
            guard let value, value <= 1 else { return .fail(.error) }
            settings.verbose = value == 1
        case "Q":
            guard let value, value <= 1 else { return .fail(.error) }
            settings.quiet = value == 1
        case "Z", "&F":
            // V.250 §6.1.1/§6.1.2: back to the stored profile; the SIM and storage stay.
            settings = ModemSettings(defaultStorage: configuration.defaultStorage)
            if case .awaitingNetwork = mode { mode = .command }
        case "I":
            guard let value else { return .fail(.error) }
            switch value {
            case 0:
                informationLine(configuration.manufacturer)
                informationLine(configuration.model)
                informationLine("Revision: " + configuration.revision)
            case 3: informationLine(configuration.revision)
            default: informationLine(configuration.model)
            }
        case "&W", "&C", "&D", "&K", "&V", "X", "L", "M", "H":
            guard value != nil else { return .fail(.error) }
        case let name where name.hasPrefix("S"):
            if case .read = command.form { informationLine(name == "S3" ? "013" : name == "S4" ? "010" : "000") }
        default:
            return .fail(unknownCommand)
        }
        return .next
    }

    // MARK: - TS 27.007 extended commands

    private mutating func executeExtended(_ command: ATCommand) -> Step {
        switch command.name {
        case "+CMEE": return setting(command, range: 0...2, value: \.errorMode, test: "+CMEE: (0-2)")
        case "+CGMI", "+GMI": return identification(command, configuration.manufacturer)
        case "+CGMM", "+GMM": return identification(command, configuration.model)
        case "+CGMR", "+GMR": return identification(command, configuration.revision)
        case "+CGSN", "+GSN": return identification(command, configuration.imei)
        case "+GCAP": return identification(command, "+GCAP: +CGSM")
        case "+CIMI":
            if let failure = simFailure(cms: false) { return .fail(failure) }
            return identification(command, configuration.imsi)
        case "+CNUM":
            if let failure = simFailure(cms: false) { return .fail(failure) }
            guard case .action = command.form else { return command.form == .test ? .next : .fail(.error) }
            informationLine("+CNUM: \"\",\"\(configuration.number)\",\(Self.typeOfAddress(configuration.number))")
            return .next
        case "+CPIN": return personalIdentification(command)
        case "+CSQ":
            switch command.form {
            case .action: informationLine("+CSQ: \(isRegistered ? configuration.signalQuality : 99),99")
            case .test: informationLine("+CSQ: (0-31,99),(0-7,99)")
            default: return .fail(.error)
            }
            return .next
        case "+CREG": return registration(command)
        case "+COPS": return operatorSelection(command)
        case "+CFUN": return functionality(command)
        case "+CLIP":
            return setting(command, range: 0...1, value: \.callingLineIdentification, test: "+CLIP: (0,1)",
                           read: { "+CLIP: \($0),1" })
        case "+CRC": return setting(command, range: 0...1, value: \.cellularResultCodes, test: "+CRC: (0,1)")
        case "+CVHU": return setting(command, range: 0...1, value: \.voiceHangupControl, test: "+CVHU: (0,1)")
        case "+CSCS": return characterSet(command)
        default:
            return .fail(unknownCommand)
        }
    }

    /// What a command the modem does not know gets: `ERROR`, or with `+CMEE` on
    /// `+CME ERROR: 4` (operation not supported), unless configured to say plain `ERROR` always
    /// as some firmwares do.
    private var unknownCommand: FinalResult {
        configuration.plainErrorForUnknownCommands ? .error : .cme(4)
    }

    /// Whether the modem is on the network: radio on and SIM unlocked.
    var isRegistered: Bool { settings.functionality == 1 && sim == .ready }

    /// The error a command that needs the SIM gets while it is locked.
    /// TS 27.007 §9.2.1 (+CME ERROR 11/12) and TS 27.005 §3.2.5 (+CMS ERROR 311/316).
    func simFailure(cms: Bool) -> FinalResult? {
        switch sim {
        case .ready: nil
        case .pinRequired: cms ? .cms(311) : .cme(11)
        case .pukRequired: cms ? .cms(316) : .cme(12)
        }
    }

    /// A read/set/test command over one integer setting.
    mutating func setting(
        _ command: ATCommand, range: ClosedRange<Int>, value keyPath: WritableKeyPath<ModemSettings, Int>,
        test: String, read: ((Int) -> String)? = nil
    ) -> Step {
        switch command.form {
        case .read:
            informationLine(read?(settings[keyPath: keyPath]) ?? "\(command.name): \(settings[keyPath: keyPath])")
        case .test:
            informationLine(test)
        case .set:
            let arguments = command.arguments
            guard let first = Int(arguments[0]), range.contains(first) else { return .fail(.cme(50)) }
            settings[keyPath: keyPath] = first
        case .action:
            settings[keyPath: keyPath] = range.lowerBound
        }
        return .next
    }

    private mutating func identification(_ command: ATCommand, _ text: String) -> Step {
        switch command.form {
        case .action: informationLine(text)
        case .test: break
        default: return .fail(.error)
        }
        return .next
    }

    /// TS 27.007 §8.3 `+CPIN`.
    private mutating func personalIdentification(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            informationLine("+CPIN: " + sim.cpinText)
        case .test:
            break
        case .action:
            return .fail(.error)
        case .set:
            let arguments = command.arguments
            switch sim {
            case .ready:
                return .fail(.cme(3))
            case .pinRequired(let attemptsLeft):
                if arguments[0] == pin {
                    sim = .ready
                    trace("SIM unlocked")
                    reportRegistration()
                } else if attemptsLeft > 1 {
                    sim = .pinRequired(attemptsLeft: attemptsLeft - 1)
                    return .fail(.cme(16))
                } else {
                    sim = .pukRequired
                    return .fail(.cme(16))
                }
            case .pukRequired:
                guard arguments.count >= 2, arguments[0] == configuration.puk, !arguments[1].isEmpty else {
                    return .fail(.cme(16))
                }
                pin = arguments[1]
                sim = .ready
                reportRegistration()
            }
        }
        return .next
    }

    /// TS 27.007 §7.2 `+CREG`.
    private mutating func registration(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            informationLine("+CREG: \(settings.registrationReports)," + registrationStatusText)
        case .test:
            informationLine("+CREG: (0-2)")
        case .set:
            guard let value = Int(command.arguments[0]), (0...2).contains(value) else { return .fail(.cme(50)) }
            settings.registrationReports = value
        case .action:
            settings.registrationReports = 0
        }
        return .next
    }

    private var registrationStatusText: String {
        guard isRegistered else { return "0" }
        return settings.registrationReports == 2 ? "1,\"1A2B\",\"00C3D4E5\"" : "1"
    }

    /// The `+CREG: <stat>` URC when reports are on and registration changed.
    mutating func reportRegistration() {
        guard settings.registrationReports > 0 else { return }
        unsolicited("+CREG: " + registrationStatusText)
    }

    /// TS 27.007 §7.3 `+COPS`.
    private mutating func operatorSelection(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            guard isRegistered else {
                informationLine("+COPS: 0")
                return .next
            }
            let name = switch settings.operatorFormat {
            case 1: "TSIM"
            case 2: "00101"
            default: configuration.operatorName
            }
            informationLine("+COPS: 0,\(settings.operatorFormat),\"\(name)\",0")
        case .test:
            informationLine("+COPS: (2,\"\(configuration.operatorName)\",\"TSIM\",\"00101\",0),,(0-4),(0-2)")
        case .set:
            let arguments = command.arguments
            guard let requested = Int(arguments[0]), (0...4).contains(requested) else { return .fail(.cme(50)) }
            if arguments.count > 1, !arguments[1].isEmpty {
                guard let format = Int(arguments[1]), (0...2).contains(format) else { return .fail(.cme(50)) }
                settings.operatorFormat = format
            }
            if requested == 2 || requested == 1 || requested == 4 {
                if let failure = simFailure(cms: false) { return .fail(failure) }
            }
        case .action:
            break
        }
        return .next
    }

    /// TS 27.007 §8.2 `+CFUN`.
    private mutating func functionality(_ command: ATCommand) -> Step {
        switch command.form {
        case .read:
            informationLine("+CFUN: \(settings.functionality)")
        case .test:
            informationLine("+CFUN: (0,1,4),(0,1)")
        case .set:
            let arguments = command.arguments
            guard let level = Int(arguments[0]), [0, 1, 4].contains(level) else { return .fail(.cme(50)) }
            let wasRegistered = isRegistered
            settings.functionality = level == 1 ? 1 : level
            if arguments.count > 1, arguments[1] == "1" {
                // `+CFUN=1,1` resets the modem: settings back, the SIM asks for its PIN again.
                powerUp()
                settings.functionality = level == 1 ? 1 : level
            }
            if wasRegistered != isRegistered { reportRegistration() }
        case .action:
            return .fail(.error)
        }
        return .next
    }

    /// TS 27.007 §5.5 `+CSCS`.
    private mutating func characterSet(_ command: ATCommand) -> Step {
        let supported = ["GSM", "IRA", "UCS2", "HEX", "8859-1", "PCCP437"]
        switch command.form {
        case .read:
            informationLine("+CSCS: \"\(settings.characterSet)\"")
        case .test:
            informationLine("+CSCS: (" + supported.map { "\"\($0)\"" }.joined(separator: ",") + ")")
        case .set:
            let requested = command.arguments[0].uppercased()
            guard supported.contains(requested) else { return .fail(.cme(50)) }
            settings.characterSet = requested
        case .action:
            return .fail(.error)
        }
        return .next
    }

    /// TS 24.008 §10.5.4.7 type of number: 145 international, 129 unknown.
    static func typeOfAddress(_ number: String) -> Int { number.hasPrefix("+") ? 145 : 129 }
}
