import GatewayDaemon
import ATModem
import ArgumentParser
import Foundation

extension Trackerd {
    /// `trackerd pdu` — decode and encode SMS PDUs as a modem prints and takes them.
    struct PDU: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pdu",
            abstract: "Decode or encode SMS PDUs (TS 23.040).",
            subcommands: [Decode.self, Encode.self]
        )
    }
}

extension Trackerd.PDU {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Decode a PDU as a modem prints it after +CMGR:/+CMT: (SMSC address first).",
            discussion: """
            Prints one JSON object. A PDU that cannot be decoded gives one line on stderr and exit 65.

            Example:
              trackerd pdu decode 07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07
            """
        )

        @Argument(help: "The PDU in hexadecimal, SMSC address first.")
        var hex: String

        func run() throws {
            let pdu: ModemPDU
            do {
                pdu = try ModemPDU.decode(hex: hex.filter { !$0.isWhitespace })
            } catch {
                throw CommandFailure(exitCode: .dataError, message: "invalid PDU: \(error)")
            }
            print(try JSONOutput.string(DecodedPDUJSON(pdu)))
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encode",
            abstract: "Encode a text as SMS-SUBMIT PDU(s) ready for AT+CMGS.",
            discussion: """
            Prints a JSON array, one object per part: {"pdu": hex with a 00 SMSC prefix, \
            "length": TPDU octets for AT+CMGS=<length>}. Long texts become concatenated parts \
            (153 GSM 7-bit characters or 67 UCS-2 units each).

            Examples:
              trackerd pdu encode --to +4917012345678 --text "LOCATE car"
              trackerd pdu encode --to +4917012345678 --text "Grüße 🚗" --status-report
            """
        )

        @Option(help: "Destination number (E.164 with +, or national digits).")
        var to: String

        @Option(help: "The message text.")
        var text: String

        @Flag(help: "Force UCS-2 even when GSM 7-bit would do.")
        var ucs2 = false

        @Flag(help: "Ask the network for a status report (TP-SRR).")
        var statusReport = false

        @Option(name: .customLong("class"), help: "Message class 0–3 (0 = flash).")
        var messageClass: Int?

        @Option(help: "Concatenation reference 1–255 for a multipart text (default: random).")
        var reference: Int?

        func validate() throws {
            if let messageClass, !(0...3).contains(messageClass) {
                throw ValidationError("--class must be 0, 1, 2 or 3")
            }
            if let reference, !(1...255).contains(reference) {
                throw ValidationError("--reference must be between 1 and 255")
            }
            guard SMSSegmenter.fitsInOneMessage(text, forceUCS2: ucs2) else {
                throw ValidationError("--text needs more than the 255 parts a concatenated SMS can have")
            }
            let digits = to.hasPrefix("+") ? to.dropFirst() : Substring(to)
            guard (1...20).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
                throw ValidationError("--to must be a phone number (digits, optionally after +), not '\(to)'")
            }
        }

        func run() throws {
            let parts = SMSSubmit.parts(
                to: PhoneAddress(parsing: to),
                text: text,
                forceUCS2: ucs2,
                statusReportRequest: statusReport,
                messageClass: messageClass.flatMap(MessageClass.init(rawValue:)),
                concatenationReference: reference ?? Int.random(in: 1...255)
            )
            var output: [EncodedPartJSON] = []
            for part in parts {
                do {
                    let tpdu = try part.encode()
                    output.append(EncodedPartJSON(pdu: ModemPDU.hex(smsc: nil, tpdu: tpdu), length: tpdu.count))
                } catch {
                    throw CommandFailure(exitCode: .dataError, message: "cannot encode: \(error)")
                }
            }
            print(try JSONOutput.string(output))
        }
    }
}

struct EncodedPartJSON: Encodable {
    var pdu: String
    var length: Int
}

/// The JSON shape `trackerd pdu decode` prints.
struct DecodedPDUJSON: Encodable {
    struct Concat: Encodable {
        var ref: Int
        var part: Int
        var total: Int
    }

    var type: String
    var smsc: String?
    var from: String?
    var to: String?
    var text: String?
    var data: String?
    var encoding: String?
    var timestamp: String?
    var dischargeTime: String?
    var `class`: Int?
    var concat: Concat?
    var reference: Int?
    var status: Int?
    var statusText: String?
    var statusReportRequested: Bool?

    init(_ pdu: ModemPDU) {
        smsc = pdu.smsc.map(\.description).flatMap { $0.isEmpty ? nil : $0 }
        switch pdu.tpdu {
        case .deliver(let deliver):
            type = "deliver"
            from = deliver.originator.description
            timestamp = deliver.serviceCentreTimestamp.iso8601
            setBody(deliver.body, coding: deliver.dataCoding, header: deliver.userDataHeader)
        case .submit(let submit):
            type = "submit"
            to = submit.destination.description
            reference = Int(submit.messageReference)
            statusReportRequested = submit.statusReportRequest
            setBody(submit.body, coding: submit.dataCoding, header: submit.userDataHeader)
        case .statusReport(let report):
            type = "status-report"
            to = report.recipient.description
            reference = Int(report.messageReference)
            timestamp = report.serviceCentreTimestamp.iso8601
            dischargeTime = report.dischargeTime.iso8601
            status = Int(report.status)
            statusText = "\(report.category)"
        }
    }

    private mutating func setBody(_ body: MessageBody, coding: DataCodingScheme, header: UserDataHeader?) {
        encoding = coding.alphabet.rawValue
        `class` = coding.messageClass?.rawValue
        switch body {
        case .text(let value): text = value
        case .binary(let bytes): data = Hex.encode(bytes)
        }
        if let concatenation = header?.concatenation {
            concat = Concat(ref: concatenation.reference, part: concatenation.part, total: concatenation.total)
        }
    }
}
