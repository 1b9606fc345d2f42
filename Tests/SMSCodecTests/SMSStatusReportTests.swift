import TestSupport
import Testing
@testable import SMSCodec

struct SMSStatusReportTests {
    // amro.blogspot.com "Receiving SMS status report": +CDS PDU without SMSC; "00" prefixed.
    static let published = "00" + "06000B910221815716F2709021510121807090215101718000"

    @Test func decodesPublishedStatusReport() throws {
        let pdu = try ModemPDU.decode(hex: Self.published)
        guard case .statusReport(let report) = pdu.tpdu else {
            Issue.record("not decoded as SMS-STATUS-REPORT")
            return
        }
        #expect(report.messageReference == 0)
        #expect(report.recipient.description == "+20121875612")
        #expect(report.serviceCentreTimestamp.iso8601 == "2007-09-12T15:10:12+02:00")
        #expect(report.dischargeTime.iso8601 == "2007-09-12T15:10:17+02:00")
        #expect(report.status == 0)
        #expect(report.category == .delivered)
        #expect(!report.moreMessagesToSend)
        #expect(try pdu.hex() == Self.published)
    }

    @Test(arguments: [
        (UInt8(0x00), StatusCategory.delivered), (0x01, .delivered), (0x02, .delivered), (0x1F, .delivered),
        (0x20, .temporaryErrorStillTrying), (0x25, .temporaryErrorStillTrying), (0x3F, .temporaryErrorStillTrying),
        (0x40, .permanentError), (0x41, .permanentError), (0x5F, .permanentError),
        (0x60, .temporaryErrorNoMoreTries), (0x63, .temporaryErrorNoMoreTries), (0x7F, .temporaryErrorNoMoreTries),
        (0x80, .temporaryErrorNoMoreTries), (0xFF, .temporaryErrorNoMoreTries),
    ])
    func statusFallsInItsCategory(status: UInt8, category: StatusCategory) throws {
        let report = SMSStatusReport(
            messageReference: 42, recipient: PhoneAddress(parsing: "+4917012345"),
            serviceCentreTimestamp: ServiceCentreTimestamp(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, offsetQuarterHours: -16),
            dischargeTime: ServiceCentreTimestamp(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 19, offsetQuarterHours: -16),
            status: status)
        #expect(report.category == category)
        #expect(report.category.isFinal == (category != .temporaryErrorStillTrying))
        let decoded = try SMSStatusReport.decode(report.encode())
        #expect(decoded == report)
        #expect(decoded.category == category)
    }

    @Test func optionalParametersRoundTrip() throws {
        let report = SMSStatusReport(
            messageReference: 9, recipient: PhoneAddress(parsing: "0170123"),
            serviceCentreTimestamp: ServiceCentreTimestamp(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9),
            dischargeTime: ServiceCentreTimestamp(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 10),
            status: 0x30, reportsCommand: true, moreMessagesToSend: true, protocolIdentifier: 0,
            dataCoding: DataCodingScheme(alphabet: .ucs2), body: .text("ok 😀"))
        let bytes = try report.encode()
        #expect(bytes[0] == 0x22)
        #expect(try SMSStatusReport.decode(bytes) == report)
    }

    @Test func reservedParameterIndicatorIsIgnored() throws {
        let bytes = try Hex.decode("06000B910221815716F2709021510121807090215101718000" + "FF0102")
        let report = try SMSStatusReport.decode(bytes)
        #expect(report.protocolIdentifier == nil && report.body == nil)
    }

    @Test func userDataAnnouncedButMissingThrows() throws {
        let bytes = try Hex.decode("06000B910221815716F2709021510121807090215101718000" + "04")
        #expect(throws: PDUError(field: "TP-UDL", offset: 26, reason: "truncated: PDU ends before this field")) {
            try SMSStatusReport.decode(bytes)
        }
    }
}
