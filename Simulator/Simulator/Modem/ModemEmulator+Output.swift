/// How the emulator frames what it prints.
///
/// V.250 §5.7.1: with V1 an information text or result code is `CR LF text CR LF`; with V0
/// information text ends in `CR LF` and a result code is its number and `CR`.
/// TS 27.007 §9.1 `+CMEE` and TS 27.005 §3.2.5 `+CMS ERROR`.
extension ModemEmulator {
    /// The final result code that ends a command line.
    enum FinalResult: Sendable, Equatable {
        case ok
        case error
        case cme(Int)
        case cms(Int)
    }

    /// What one command of a line did.
    enum Step: Sendable, Equatable {
        case next
        case fail(FinalResult)
        /// The command continues later (a `> ` prompt, or the network must answer first).
        case suspend
    }

    mutating func emit(_ bytes: [UInt8]) {
        guard !isOffline, !isHung else { return }
        output.append(contentsOf: bytes)
    }

    mutating func informationLine(_ text: String) {
        let line = garbleIfDue(Array(text.utf8))
        emit(settings.verbose ? [0x0D, 0x0A] + line + [0x0D, 0x0A] : line + [0x0D, 0x0A])
    }

    /// The line after a `+CMGR`/`+CMGL`/`+CMT` header: the PDU, ended by CR LF only.
    mutating func continuationLine(_ text: String) {
        emit(garbleIfDue(Array(text.utf8)) + [0x0D, 0x0A])
    }

    mutating func finalResult(_ result: FinalResult) {
        if noisyResponsesLeft > 0 {
            noisyResponsesLeft -= 1
            emitNoise()
        }
        let text: String
        let numeric: String
        switch result {
        case .ok:
            text = "OK"
            numeric = "0"
        case .error:
            text = "ERROR"
            numeric = "4"
        case .cme(let code):
            switch settings.errorMode {
            case 1: text = "+CME ERROR: \(code)"
            case 2: text = "+CME ERROR: " + Self.cmeText(code)
            default: text = "ERROR"
            }
            numeric = settings.errorMode == 0 ? "4" : text
        case .cms(let code):
            text = "+CMS ERROR: " + (settings.errorMode == 2 ? Self.cmsText(code) : String(code))
            numeric = text
        }
        trace("-> " + text)
        guard !settings.quiet else { return }
        if settings.verbose {
            emit([0x0D, 0x0A] + garbleIfDue(Array(text.utf8)) + [0x0D, 0x0A])
        } else {
            emit(garbleIfDue(Array(numeric.utf8)) + [0x0D])
        }
    }

    /// An unsolicited result code; held while a prompt or a send is in progress, as real TAs do.
    mutating func unsolicited(_ text: String) {
        let framed: [UInt8] = [0x0D, 0x0A] + Array(text.utf8) + [0x0D, 0x0A]
        trace("URC " + (text.split(separator: ":").first.map(String.init) ?? text))
        if case .command = mode, !isExecutingLine {
            emit(framed)
        } else {
            heldURCs.append(framed)
        }
    }

    /// An unsolicited code followed by a PDU line (`+CMT`, `+CDS`).
    mutating func unsolicited(_ header: String, pdu: String) {
        let framed: [UInt8] = [0x0D, 0x0A] + Array(header.utf8) + [0x0D, 0x0A] + Array(pdu.utf8) + [0x0D, 0x0A]
        trace("URC " + (header.split(separator: ":").first.map(String.init) ?? header) + " (PDU)")
        if case .command = mode, !isExecutingLine {
            emit(framed)
        } else {
            heldURCs.append(framed)
        }
    }

    mutating func trace(_ text: @autoclosure () -> String) {
        guard isTracing else { return }
        append(.trace(text()))
    }

    mutating func append(_ action: Action) {
        flushOutput()
        actions.append(action)
    }

    mutating func takeActions() -> [Action] {
        flushOutput()
        defer { actions = [] }
        return actions
    }

    private mutating func flushOutput() {
        guard !output.isEmpty else { return }
        actions.append(.write(output))
        output = []
    }

    /// Line noise as a bad cable or a baud-rate glitch shows it: high bits set, a byte lost.
    private mutating func garbleIfDue(_ line: [UInt8]) -> [UInt8] {
        guard garbledLinesLeft > 0 else { return line }
        garbledLinesLeft -= 1
        var garbled = line
        for index in garbled.indices where index % 2 == 0 { garbled[index] ^= 0xA0 }
        if garbled.count > 2 { garbled.remove(at: garbled.count / 2) }
        return garbled.isEmpty ? [0xFF] : garbled
    }

    private mutating func emitNoise() {
        let noise = ["+CREG: 1", "^RSSI: 18", "RING", "+CREG: 1,\"1A2B\",\"00C3D4E5\"", "^BOOT:20515595,0,0,0,75"]
        let text = noise[noiseCounter % noise.count]
        noiseCounter += 1
        trace("noise URC")
        emit([0x0D, 0x0A] + Array(text.utf8) + [0x0D, 0x0A])
    }

    static func cmeText(_ code: Int) -> String {
        switch code {
        case 3: "operation not allowed"
        case 4: "operation not supported"
        case 10: "SIM not inserted"
        case 11: "SIM PIN required"
        case 12: "SIM PUK required"
        case 16: "incorrect password"
        case 21: "invalid index"
        case 30: "no network service"
        case 50: "Incorrect parameters"
        default: "unknown"
        }
    }

    static func cmsText(_ code: Int) -> String {
        switch code {
        case 300: "ME failure"
        case 302: "operation not allowed"
        case 303: "operation not supported"
        case 304: "invalid PDU mode parameter"
        case 311: "SIM PIN required"
        case 316: "SIM PUK required"
        case 321: "invalid memory index"
        case 322: "memory full"
        case 330: "SMSC address unknown"
        case 331: "no network service"
        case 340: "no +CNMA acknowledgement expected"
        default: "unknown error"
        }
    }
}
