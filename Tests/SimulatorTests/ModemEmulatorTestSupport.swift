import TestSupport
import ATModem
@testable import Simulator

/// Drives a `ModemEmulator` by text and keeps what it did.
struct EmulatorHarness {
    var modem: ModemEmulator
    var submits: [(tpdu: [UInt8], messageReference: UInt8, ticket: Int)] = []
    var timers: [(timer: ModemEmulator.ModemTimer, after: Duration)] = []
    var drops: [Duration] = []

    init(_ configuration: VirtualModemConfiguration = VirtualModemConfiguration(number: "+15550001111"), echo: Bool = false) {
        modem = ModemEmulator(configuration: configuration)
        if !echo { _ = send("ATE0") }
    }

    /// Sends `line` and a CR; returns everything written back, as text.
    mutating func send(_ line: String) -> String {
        write(Array(line.utf8) + [0x0D])
    }

    mutating func write(_ bytes: [UInt8]) -> String {
        collect(modem.receive(bytes))
    }

    mutating func collect(_ actions: [ModemEmulator.Action]) -> String {
        var written: [UInt8] = []
        for action in actions {
            switch action {
            case .write(let bytes): written += bytes
            case .submit(let tpdu, let reference, let ticket): submits.append((tpdu, reference, ticket))
            case .startTimer(let timer, let after): timers.append((timer, after))
            case .dropLink(let delay): drops.append(delay)
            case .trace: break
            }
        }
        return String(decoding: written, as: UTF8.self)
    }

    mutating func deliver(_ message: SMSDeliver) -> (DeliveryOutcome, String) {
        let (outcome, actions) = modem.deliver(tpdu: try! message.encode(), sender: message.originator.description)
        return (outcome, collect(actions))
    }

    mutating func deliverStatusReport(_ report: SMSStatusReport) -> (DeliveryOutcome, String) {
        let (outcome, actions) = modem.deliverStatusReport(tpdu: try! report.encode())
        return (outcome, collect(actions))
    }

    mutating func fire(_ kind: ModemEmulator.ModemTimer.Kind) -> String {
        guard let index = timers.firstIndex(where: { $0.timer.kind == kind }) else { return "<no timer>" }
        let timer = timers.remove(at: index).timer
        return collect(modem.timerFired(timer))
    }

    mutating func inject(_ fault: ModemFault) -> String {
        collect(modem.inject(fault))
    }

    mutating func complete(_ outcome: SubmitOutcome) -> String {
        guard let last = submits.last else { return "<no submit>" }
        return collect(modem.submitCompleted(ticket: last.ticket, outcome: outcome))
    }
}

enum Samples {
    static let timestamp = ServiceCentreTimestamp(year: 2026, month: 11, day: 23, hour: 8, minute: 0, second: 0)

    static func deliver(_ text: String = "lat:52.5200 long:13.4050 speed:0", from sender: String = "+15550002222")
        -> SMSDeliver
    {
        SMSDeliver(originator: PhoneAddress(parsing: sender), dataCoding: DataCodingScheme(alphabet: .gsm7),
                   serviceCentreTimestamp: timestamp, body: .text(text))
    }

    static func submit(_ text: String = "where are you", to destination: String = "+15550003333") -> SMSSubmit {
        SMSSubmit(destination: PhoneAddress(parsing: destination), dataCoding: DataCodingScheme(alphabet: .gsm7),
                  body: .text(text))
    }

    static func statusReport(reference: UInt8 = 1) -> SMSStatusReport {
        SMSStatusReport(messageReference: reference, recipient: PhoneAddress(parsing: "+15550003333"),
                        serviceCentreTimestamp: timestamp, dischargeTime: timestamp, status: 0)
    }

    /// The hex a client types after `> `: "00" (default SMSC) and the TPDU.
    static func submitHex(_ submit: SMSSubmit) -> (hex: String, length: Int) {
        let tpdu = try! submit.encode()
        return (ModemPDU.hex(smsc: nil, tpdu: tpdu), tpdu.count)
    }

    /// The PDU line that follows a `+CMGR`/`+CMGL`/`+CMT` header in `response`.
    static func pduLine(after header: String, in response: String) -> String? {
        let lines = response.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix(header) }), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }
}
