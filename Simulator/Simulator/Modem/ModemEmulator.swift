/// A GSM modem's AT interpreter without I/O: bytes from the client in, actions out.
///
/// ITU-T V.250 (command line, echo, result codes), TS 27.007 (general and SIM commands),
/// TS 27.005 (SMS in PDU mode). The `VirtualModem` shell feeds it the bytes read from the
/// pseudo-terminal, the network's answers and fired timers, and carries out what it returns:
/// bytes to write, a SUBMIT to hand to the network, a timer to arm, the link to drop.
/// Storage survives `linkReopened()` like a SIM; settings do not.
public struct ModemEmulator: Sendable {
    /// Something the shell must do.
    public enum Action: Sendable, Equatable {
        /// Write these bytes to the client.
        case write([UInt8])
        /// Hand this SUBMIT TPDU (SMSC prefix removed, TP-MR already set) to the network and
        /// report its answer with `submitCompleted(ticket:outcome:)`.
        case submit(tpdu: [UInt8], messageReference: UInt8, ticket: Int)
        /// Call `timerFired(_:)` with this timer after the duration.
        case startTimer(ModemTimer, after: Duration)
        /// Close the link now and call `linkReopened()` after the duration.
        case dropLink(reopenAfter: Duration)
        /// A redacted line for the debug log: command names, lengths and result codes only.
        case trace(String)
    }

    /// A timer the emulator asked for; one that no longer matters is ignored when it fires.
    public struct ModemTimer: Hashable, Sendable {
        public enum Kind: Sendable, Hashable {
            /// A `+CMT`/`+CDS` was not acknowledged with `+CNMA` in time.
            case acknowledgement
            /// The network delivers a message again that it took back.
            case redelivery
            /// A `hang` fault ends.
            case hangEnd
        }

        public var kind: Kind
        public var serial: Int
    }

    /// What a `> ` prompt is collecting.
    enum PDUPurpose: Sendable, Equatable {
        case send(length: Int)
        case write(length: Int, status: MessageStorage.Status)
        case acknowledge(length: Int)
    }

    enum InputMode: Sendable, Equatable {
        case command
        case pduEntry(PDUPurpose)
        case awaitingNetwork(ticket: Int, messageReference: UInt8)
    }

    /// An incoming message on its way to the client.
    struct Indication: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case deliver, statusReport }
        var kind: Kind
        var tpdu: [UInt8]
        var sender: String
    }

    let configuration: VirtualModemConfiguration
    var settings: ModemSettings
    var sim: SIMState
    var pin: String
    /// The SIM's SMSC address (EF_SMSP): `+CSCA=` changes it and it survives a power cycle.
    var serviceCentre: String
    var simStorage: MessageStorage
    var phoneStorage: MessageStorage

    var mode: InputMode = .command
    var lineBuffer: [UInt8] = []
    /// Set when a command line outgrew `maximumLineLength`; V.250 §5.2.1 answers it with ERROR.
    var lineOverflowed = false
    /// The hex digits typed after a `> ` prompt so far.
    var pduBuffer: [UInt8] = []
    var lastLine: [UInt8] = []
    var queuedInput: [UInt8] = []
    var heldURCs: [[UInt8]] = []
    var isOffline = false
    var isHung = false
    /// While a command line runs, URCs wait so they never land inside its response.
    var isExecutingLine = false

    var nextMessageReference: UInt8 = 1
    var nextSerial = 1
    var hangTimerSerial: Int?

    var awaitingAcknowledgement: (indication: Indication, timerSerial: Int)?
    var indicationQueue: [Indication] = []
    var redeliveries: [Int: Indication] = [:]

    var simBusyLeft: Int
    var cmsErrorsLeft = 0
    var cmsErrorCode = 500
    var garbledLinesLeft = 0
    var noisyResponsesLeft = 0
    var noiseCounter = 0
    var storageFullFault = false

    /// Whether to emit `.trace` actions; off spares building log text nobody reads.
    public var isTracing = true

    /// Command lines answered since power-on or `reset()`: one per line the client ended with CR
    /// (or `A/`), however many commands it chains (`AT+CPIN?;+CSQ` is one). What a client that
    /// polls costs the modem, so tests can count an idle client's traffic. Lines without `AT`,
    /// which V.250 §5.2.1 has the modem ignore, are not counted; a drop does not reset it.
    public private(set) var commandLinesAnswered = 0

    var output: [UInt8] = []
    var actions: [Action] = []

    static let maximumLineLength = 2048
    /// 2 × (12-octet SMSC + 176-octet TPDU) hex digits, with room for stray whitespace.
    static let maximumPDUHexLength = 400

    public init(configuration: VirtualModemConfiguration) {
        self.configuration = configuration
        self.settings = ModemSettings(defaultStorage: configuration.defaultStorage)
        self.pin = configuration.pin ?? "1234"
        self.serviceCentre = configuration.serviceCentre
        self.simBusyLeft = configuration.simBusyCommandsAfterPowerUp
        self.sim = configuration.pin == nil ? .ready : .pinRequired(attemptsLeft: 3)
        self.simStorage = MessageStorage(name: "SM", capacity: configuration.smCapacity)
        self.phoneStorage = MessageStorage(name: "ME", capacity: configuration.meCapacity)
    }

    // MARK: - Inputs

    /// Bytes the client wrote.
    public mutating func receive(_ bytes: [UInt8]) -> [Action] {
        for byte in bytes { consume(byte) }
        return takeActions()
    }

    /// The network answered the SUBMIT with this ticket.
    public mutating func submitCompleted(ticket: Int, outcome: SubmitOutcome) -> [Action] {
        guard case .awaitingNetwork(let awaited, let reference) = mode, awaited == ticket else {
            return takeActions()
        }
        mode = .command
        switch outcome {
        case .accepted:
            informationLine("+CMGS: \(reference)")
            finalResult(.ok)
        case .failed(let code):
            finalResult(.cms(code))
        }
        resumeCommandMode()
        return takeActions()
    }

    /// A timer the emulator asked for fired.
    public mutating func timerFired(_ timer: ModemTimer) -> [Action] {
        switch timer.kind {
        case .hangEnd:
            if hangTimerSerial == timer.serial {
                hangTimerSerial = nil
                isHung = false
                trace("hang ends")
            }
        case .acknowledgement:
            if let pending = awaitingAcknowledgement, pending.timerSerial == timer.serial {
                awaitingAcknowledgement = nil
                trace("no +CNMA in time; network takes the message back")
                scheduleRedelivery(pending.indication)
                showNextIndication()
            }
        case .redelivery:
            if let indication = redeliveries.removeValue(forKey: timer.serial) {
                let outcome = route(indication)
                if case .refused = outcome { scheduleRedelivery(indication) }
            }
        }
        return takeActions()
    }

    /// The shell reopened the link after a drop: the modem powers up again.
    public mutating func linkReopened() -> [Action] {
        powerUp()
        for line in configuration.bootURCs {
            // A locked SIM says so at boot, and SMS is not ready until the PIN is entered.
            if sim != .ready && (line.localizedCaseInsensitiveContains("ready") || line.contains("SMS DONE")) { continue }
            unsolicited(line)
        }
        if sim != .ready { unsolicited("+CPIN: " + sim.cpinText) }
        return takeActions()
    }

    /// Empties storage, restores power-up settings and clears every fault.
    public mutating func reset() -> [Action] {
        simStorage.removeAll()
        phoneStorage.removeAll()
        cmsErrorsLeft = 0
        garbledLinesLeft = 0
        noisyResponsesLeft = 0
        storageFullFault = false
        redeliveries = [:]
        commandLinesAnswered = 0
        serviceCentre = configuration.serviceCentre
        // A dropped link stays down until the shell reopens it.
        let offline = isOffline
        powerUp()
        isOffline = offline
        return takeActions()
    }

    // MARK: - Power and input

    mutating func powerUp() {
        settings = ModemSettings(defaultStorage: configuration.defaultStorage)
        simBusyLeft = configuration.simBusyCommandsAfterPowerUp
        pin = configuration.pin ?? "1234"
        sim = configuration.pin == nil ? .ready : .pinRequired(attemptsLeft: 3)
        mode = .command
        lineBuffer = []
        lineOverflowed = false
        pduBuffer = []
        queuedInput = []
        heldURCs = []
        isOffline = false
        isHung = false
        hangTimerSerial = nil
        awaitingAcknowledgement = nil
        indicationQueue = []
    }

    mutating func consume(_ byte: UInt8) {
        guard !isOffline, !isHung else { return }
        switch mode {
        case .awaitingNetwork:
            // The modem is busy on the radio; what the client types meanwhile waits.
            queuedInput.append(byte)
        case .pduEntry(let purpose):
            consumePDUByte(byte, purpose: purpose)
        case .command:
            consumeCommandByte(byte)
        }
    }

    private mutating func consumeCommandByte(_ byte: UInt8) {
        switch byte {
        case 0x0D:
            if settings.echo { emit([byte]) }
            let line = lineBuffer
            lineBuffer = []
            if lineOverflowed {
                lineOverflowed = false
                commandLinesAnswered += 1
                trace("AT <line too long>")
                finalResult(.error)
            } else {
                executeLine(line)
            }
        case 0x0A where lineBuffer.isEmpty:
            return  // the LF of a CR LF line end
        case 0x08, 0x7F:
            if settings.echo { emit([byte]) }
            if !lineBuffer.isEmpty { lineBuffer.removeLast() }
        case UInt8(ascii: "/") where lineBuffer.count == 1 && (lineBuffer[0] | 0x20) == UInt8(ascii: "a"):
            // V.250 §5.2.4 "A/": repeat the last command line, no CR needed.
            if settings.echo { emit([byte]) }
            lineBuffer = []
            executeLine(lastLine)
        default:
            if settings.echo { emit([byte]) }
            if lineBuffer.count < Self.maximumLineLength {
                lineBuffer.append(byte)
            } else {
                lineOverflowed = true
            }
        }
    }

    private mutating func consumePDUByte(_ byte: UInt8, purpose: PDUPurpose) {
        switch byte {
        case 0x1A:
            mode = .command
            let hex = pduBuffer
            pduBuffer = []
            finishPDU(purpose, hex: hex)
        case 0x1B:
            // TS 27.005 §3.5.1: ESC aborts sending; the modem answers OK and sends nothing.
            mode = .command
            pduBuffer = []
            trace("PDU entry cancelled")
            finalResult(.ok)
            resumeCommandMode()
        case 0x0D, 0x0A, 0x20:
            if settings.echo { emit([byte]) }
        default:
            if settings.echo { emit([byte]) }
            // Past the longest possible PDU one invalid byte marks the overflow (→ +CMS ERROR: 304).
            if pduBuffer.count < Self.maximumPDUHexLength {
                pduBuffer.append(byte)
            } else if pduBuffer.last != 0 {
                pduBuffer.append(0)
            }
        }
    }

    /// Runs what was typed while the modem was busy, and shows held URCs.
    mutating func resumeCommandMode() {
        guard case .command = mode, !isExecutingLine else { return }
        for urc in heldURCs { emit(urc) }
        heldURCs = []
        let pending = queuedInput
        queuedInput = []
        for byte in pending { consume(byte) }
    }

    // MARK: - Command lines

    private mutating func executeLine(_ line: [UInt8]) {
        guard let start = Self.attentionPrefix(in: line) else {
            return  // V.250 §5.2.1: a line without "AT" is ignored
        }
        lastLine = line
        commandLinesAnswered += 1
        isExecutingLine = true
        defer {
            isExecutingLine = false
            resumeCommandMode()
        }
        let body = Array(line[(start + 2)...])
        guard let commands = ATCommandLine.parse(body) else {
            trace("AT <syntax error, \(body.count) bytes>")
            finalResult(.error)
            return
        }
        for command in commands {
            trace("AT" + Self.describe(command))
            switch execute(command) {
            case .next:
                continue
            case .fail(let failure):
                finalResult(failure)
                return
            case .suspend:
                return
            }
        }
        finalResult(.ok)
    }

    /// Where "AT" (any case) starts; V.250 ignores what comes before it.
    static func attentionPrefix(in line: [UInt8]) -> Int? {
        guard line.count >= 2 else { return nil }
        for index in 0..<(line.count - 1)
        where (line[index] | 0x20) == UInt8(ascii: "a") && (line[index + 1] | 0x20) == UInt8(ascii: "t") {
            return index
        }
        return nil
    }

    /// A command for the log: name and form, never the parameters (PINs, numbers, PDUs).
    static func describe(_ command: ATCommand) -> String {
        if command.name == "D" { return "D<dial string>" }
        switch command.form {
        case .action: return command.name
        case .read: return command.name + "?"
        case .test: return command.name + "=?"
        case .set(let raw):
            let harmless = ["+CMGS", "+CMGW", "+CMGR", "+CMGD", "+CMGL", "+CNMI", "+CMGF", "+CSMS", "+CMEE", "+CNMA"]
            if !command.isExtended { return command.name + raw }
            if harmless.contains(command.name) { return command.name + "=" + raw }
            return command.name + "=<\(raw.count) chars>"
        }
    }
}
