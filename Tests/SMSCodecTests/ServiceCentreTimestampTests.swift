import Foundation
import TestSupport
import Testing
@testable import SMSCodec

struct ServiceCentreTimestampTests {
    @Test(arguments: [
        ("71605061120023", "2017-06-05T16:21:00+08:00", 1_496_650_860.0),
        ("99309251619580", "2099-03-29T15:16:59+02:00", 4_078_473_419.0),
        ("2120804150100C", "2012-02-08T14:05:01-10:00", 1_328_745_901.0),
        ("4210908000003A", "2024-01-09T08:00:00-05:45", 1_704_807_900.0),
        ("52300130300000", "2025-03-10T03:03:00+00:00", 1_741_575_780.0),
        ("20806291731408", "2002-08-26T19:37:41-00:00", 1_030_390_661.0),
    ])
    func decodesSemiOctetsWithSignedTimezone(hex: String, iso: String, epoch: TimeInterval) throws {
        var reader = ByteReader(try Hex.decode(hex))
        let timestamp = try ServiceCentreTimestamp.decode(&reader, field: "TP-SCTS")
        #expect(timestamp.iso8601 == iso)
        #expect(timestamp.date == Date(timeIntervalSince1970: epoch))
        #expect(Hex.encode(try timestamp.encode(field: "TP-SCTS", offset: 0)) == hex)
    }

    @Test(arguments: [-79, -48, -23, -1, 0, 1, 22, 56, 79])
    func buildsFromDateAtAnyOffset(quarters: Int) throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let timestamp = ServiceCentreTimestamp(date: date, offsetQuarterHours: quarters)
        #expect(timestamp.date == date)
        var reader = ByteReader(try timestamp.encode(field: "TP-SCTS", offset: 0))
        #expect(try ServiceCentreTimestamp.decode(&reader, field: "TP-SCTS") == timestamp)
    }

    @Test func nonFiniteDateDoesNotTrap() {
        #expect(ServiceCentreTimestamp(date: Date(timeIntervalSince1970: .infinity)).iso8601 == "1970-01-01T00:00:00+00:00")
    }

    @Test func localTimeShiftsWithTheOffset() {
        let midnightUTC = Date(timeIntervalSince1970: 1_704_067_200) // 2024-01-01T00:00:00Z
        let west = ServiceCentreTimestamp(date: midnightUTC, offsetQuarterHours: -20)
        #expect(west.iso8601 == "2023-12-31T19:00:00-05:00")
        let east = ServiceCentreTimestamp(date: midnightUTC, offsetQuarterHours: 22)
        #expect(east.iso8601 == "2024-01-01T05:30:00+05:30")
    }

    @Test func nonDecimalSemiOctetThrowsAtItsByte() throws {
        var reader = ByteReader(try Hex.decode("716050A1120023"), position: 0)
        #expect(throws: PDUError(field: "TP-SCTS", offset: 3, reason: "semi-octet is not a decimal digit")) {
            try ServiceCentreTimestamp.decode(&reader, field: "TP-SCTS")
        }
    }

    @Test func offsetBeyondTheFieldRefusesToEncode() {
        let timestamp = ServiceCentreTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0, offsetQuarterHours: 80)
        #expect(throws: PDUError(field: "TP-SCTS", offset: 6, reason: "time zone offset beyond ±79 quarter hours")) {
            try timestamp.encode(field: "TP-SCTS", offset: 0)
        }
    }
}
