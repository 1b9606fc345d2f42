import Foundation
import TestSupport
import Testing

@testable import ATModem

/// The start-up sequence over a real pseudo-terminal, through the termios transport that
/// `Transports.open` picks for it, against a responder that answers like a freshly powered modem.
@Suite struct ModemPseudoTerminalTests {
    /// Answers each command line read from the pty's master side; echo on until `ATE0`.
    final class ScriptedResponder: @unchecked Sendable {
        let terminal: PseudoTerminal
        let answers: [String: String]
        private let lock = NSLock()
        private var received: [String] = []

        init(terminal: PseudoTerminal, answers: [String: String]) {
            self.terminal = terminal
            self.answers = answers
        }

        var commands: [String] {
            lock.lock()
            defer { lock.unlock() }
            return received
        }

        func start() {
            let thread = Thread { [self] in serve() }
            thread.start()
        }

        private func serve() {
            var echo = true
            var line: [UInt8] = []
            while true {
                guard let chunk = try? terminal.read(maxCount: 256, timeout: .seconds(60)), !chunk.isEmpty else { return }
                for byte in chunk {
                    if echo { try? terminal.write([byte]) }
                    guard byte == 0x0D else {
                        if byte != 0x0A && byte != 0x1B { line.append(byte) }
                        continue
                    }
                    let command = String(decoding: line, as: UTF8.self)
                    line.removeAll()
                    lock.lock()
                    received.append(command)
                    lock.unlock()
                    if command.uppercased() == "ATE0" { echo = false }
                    try? terminal.write(Array((answers[command] ?? "\r\nERROR\r\n").utf8))
                }
            }
        }
    }

    @Test func startUpRunsOverARealPseudoTerminalThroughTermios() async throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let ok = "\r\nOK\r\n"
        let responder = ScriptedResponder(terminal: terminal, answers: [
            "AT": ok, "ATE0": ok, "AT+CMEE=1": ok, "AT+CMGF=0": ok, "AT+CNMI=2,1,0,1,0": ok,
            "AT+CPIN?": "\r\n+CPIN: READY\r\n\r\nOK\r\n",
            "AT+CPMS=\"SM\",\"SM\",\"SM\"": "\r\n+CPMS: 2,30,2,30,2,30\r\n\r\nOK\r\n",
            "AT+CGMI": "\r\nSIMCOM_Ltd\r\n\r\nOK\r\n",
            "AT+CGMM": "\r\nSIMCOM_SIM800L\r\n\r\nOK\r\n",
            "AT+CGMR": "\r\nRevision:1418B04SIM800L24\r\n\r\nOK\r\n",
            "AT+CGSN": "\r\n869170031234567\r\n\r\nOK\r\n",
        ])
        responder.start()

        let transport = try Transports.open(path: terminal.slavePath, settings: SerialSettings())
        #expect(transport is TermiosTransport)
        // Generous timeouts: other suites in this process block pool threads with real I/O, and a
        // late-scheduled reply must not read as a silent modem.
        let modem = Modem(transport: transport, configuration: ModemConfiguration(commandTimeout: .seconds(30), probeAttempts: 10, probeInterval: .seconds(2)), executor: ModemExecutor(name: "pty"))
        try await modem.start()
        let identity = try await modem.identity()
        #expect(identity.model == "SIMCOM_SIM800L")
        #expect(identity.imei == "869170031234567")
        #expect(responder.commands.prefix(8) == ["AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CPMS=?", "AT+CPMS=\"SM\",\"SM\",\"SM\"", "AT+CNMI=2,1,0,1,0"])
        await modem.close()
    }

    @Test func aMissingDeviceGivesAClearError() throws {
        let path = "/dev/ttyUSB-trackerd-missing"
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: path, settings: SerialSettings())
        }
        #expect(error?.kind == .notFound)
        #expect(error?.device == path)
        #expect(error?.description.hasPrefix(path) == true)
    }
}
