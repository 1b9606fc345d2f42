import Foundation
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// The model table: what each tracker family answers to which command, and whom it ignores.
@Suite struct VirtualTrackerTests {
    static let gateway = "+15550001111"
    static let stranger = "+15559998888"
    /// 2017-06-05 16:21:07 UTC, the time of corpus sample 1.
    static let now = Date(timeIntervalSince1970: 1_496_679_667)
    static let position = TrackerPosition(latitude: 14.632742, longitude: 121.001790)

    static func tracker(_ model: TrackerModel, authorised: [String] = [gateway], chinese: Bool = false) -> VirtualTracker {
        VirtualTracker(
            VirtualTrackerConfiguration(
                number: "+639170000001", model: model, authorised: authorised, position: position, chinese: chinese,
                imei: "358948010446647"))
    }

    struct PositionCase: Sendable, CustomTestStringConvertible {
        var model: TrackerModel
        var command: String
        var expected: String
        var testDescription: String { "\(model.rawValue) \(command.debugDescription)" }
    }

    static let positionCases: [PositionCase] = [
        PositionCase(
            model: .tk103, command: "smslink123456",
            expected: "lat:14.632742\nlong:121.001790\nspeed:0.00\nT:17/06/05 16:21\n"
                + "http://maps.google.com/maps?f=q&q=14.632742,121.001790&z=16\nPwr: ON Door: OFF ACC: OFF"),
        PositionCase(
            model: .tk103, command: "address123456",
            expected: "Lac:2afa 96d3\nT:17/06/05 16:21\nLast:\nT:16:21\nlat:14.632742\nlong:121.001790\nspeed:0.00\n"
                + "T:17/06/05 16:21\nhttp://maps.google.com/maps?f=q&q=14.632742,121.001790&z=16\nPwr: ON Door: OFF ACC: OFF"),
        PositionCase(
            model: .xexun, command: "smstext123456",
            expected: "lat: 14.632742 long: 121.001790 speed: 000.0 05/06/17 16:21   bat:F signal:F  imei:358948010446647"),
        PositionCase(
            model: .xexun, command: " SMSLINK123456 ",
            expected: "lat: 14.632742 long: 121.001790 speed: 000.0 05/06/17 16:21   bat:F signal:F  imei:358948010446647\n"
                + "http://maps.google.com/maps?f=q&q=14.632742,121.001790&z=16"),
        PositionCase(
            model: .gt06, command: "WHERE#",
            expected: "Current position!Lat:N14.632742,Lon:E121.001790,Course:0.00,Speed:0.0000,DateTime:2017-06-05  16:21:07"),
        PositionCase(
            model: .gt06, command: "url#",
            expected: "<Date Time: 17-06-05 16:21:07>\nhttp://maps.google.com/maps?q=N14.632742,E121.001790"),
        PositionCase(
            model: .gt06, command: "DWXX,000000#",
            expected: "Current position!Lat:N14.632742,Lon:E121.001790,Course:0.00,Speed:0.0000,DateTime:2017-06-05  16:21:07"),
        PositionCase(
            model: .teltonika, command: "  getgps",
            expected: "GPS:1 Sat:7 Lat:14.63274 Long:121.00179 Alt:147 Speed:0 Dir:0 Date: 2017/6/5 Time: 16:21:7"),
    ]

    @Test(arguments: positionCases)
    func answersPositionCommandFromAuthorisedNumberInModelFormat(_ row: PositionCase) {
        var tracker = Self.tracker(row.model)
        let replies = tracker.receive(row.command, from: Self.gateway, at: Self.now)
        #expect(replies == [TrackerReply(to: Self.gateway, text: row.expected, ucs2: false)])
    }

    @Test(arguments: positionCases)
    func ignoresPositionCommandFromUnauthorisedNumber(_ row: PositionCase) {
        var tracker = Self.tracker(row.model)
        #expect(tracker.receive(row.command, from: Self.stranger, at: Self.now).isEmpty)
    }

    @Test(arguments: [
        (TrackerModel.tk103, "smslink654321"), (.tk103, "address12345"), (.xexun, "smstext000000"),
        (.gt06, "DWXX,123123#"), (.teltonika, "admin secret getgps"), (.tk103, "hello"), (.gt06, "WHERE"),
    ])
    func ignoresWrongPasswordOrUnknownCommand(_ model: TrackerModel, _ command: String) {
        var tracker = Self.tracker(model)
        #expect(tracker.receive(command, from: Self.gateway, at: Self.now).isEmpty)
    }

    @Test func teltonikaWithEmptyAuthorisedListAnswersAnyone() {
        var tracker = Self.tracker(.teltonika, authorised: [])
        #expect(tracker.receive("  getgps", from: Self.stranger, at: Self.now).count == 1)
    }

    @Test func teltonikaChecksLoginAndPassword() {
        var tracker = VirtualTracker(
            VirtualTrackerConfiguration(
                number: "+37060000001", model: .teltonika, password: "fleet s3cret", authorised: [],
                position: Self.position))
        #expect(tracker.receive("fleet s3cret getgps", from: Self.stranger, at: Self.now).count == 1)
        #expect(tracker.receive("  getgps", from: Self.stranger, at: Self.now).isEmpty)
        #expect(tracker.receive("fleet wrong getgps", from: Self.stranger, at: Self.now).isEmpty)
    }

    @Test(arguments: [TrackerModel.tk103, .xexun, .gt06])
    func passwordModelsIgnoreEveryoneWhileNoNumberIsAuthorised(_ model: TrackerModel) {
        var tracker = Self.tracker(model, authorised: [])
        let command = model == .gt06 ? "WHERE#" : (model == .tk103 ? "smslink123456" : "smstext123456")
        #expect(tracker.receive(command, from: Self.gateway, at: Self.now).isEmpty)
    }

    @Test(arguments: [
        (TrackerModel.tk103, "admin123456 +15550001111", "admin ok"),
        (.xexun, "admin123456 15550001111", "admin ok"),
        (.gt06, "CENTER,A,15550001111#", "SET CENTER TEL OK. TEL Number is 15550001111."),
    ])
    func adminCommandIsAcknowledgedAndAuthorisesTheNumber(_ model: TrackerModel, _ command: String, _ acknowledgement: String) {
        var tracker = Self.tracker(model, authorised: [])
        let replies = tracker.receive(command, from: Self.stranger, at: Self.now)
        #expect(replies == [TrackerReply(to: Self.stranger, text: acknowledgement, ucs2: false)])
        #expect(tracker.isAuthorised(Self.gateway))
        let ask = model == .gt06 ? "WHERE#" : (model == .tk103 ? "smslink123456" : "smstext123456")
        #expect(tracker.receive(ask, from: Self.gateway, at: Self.now).count == 1)
    }

    @Test func adminCommandWithWrongPasswordIsIgnored() {
        var tracker = Self.tracker(.tk103, authorised: [])
        #expect(tracker.receive("admin000000 +15550001111", from: Self.gateway, at: Self.now).isEmpty)
        #expect(!tracker.isAuthorised(Self.gateway))
    }

    @Test func gt06TakesANewCentreNumberOnlyFromAnAuthorisedNumber() {
        var tracker = Self.tracker(.gt06, authorised: [Self.gateway])
        #expect(tracker.receive("CENTER,A,15559998888#", from: Self.stranger, at: Self.now).isEmpty)
        #expect(!tracker.isAuthorised(Self.stranger))
    }

    @Test func tk103RemembersAtMostFiveAuthorisedNumbers() {
        var tracker = Self.tracker(.tk103, authorised: [])
        for last in 1...7 {
            _ = tracker.receive("admin123456 +1555000000\(last)", from: Self.gateway, at: Self.now)
        }
        #expect(tracker.authorised.count == 5)
    }

    @Test func tk103AddressReplyNeedsTwoParts() {
        var tracker = Self.tracker(.tk103)
        let text = tracker.receive("address123456", from: Self.gateway, at: Self.now)[0].text
        #expect(text.count > 160)
    }

    @Test func chineseGT06ReplyIsUCS2AndLongerThanOneUCS2Part() {
        var tracker = Self.tracker(.gt06, chinese: true)
        let reply = tracker.receive("WHERE#", from: Self.gateway, at: Self.now)[0]
        #expect(reply.ucs2)
        #expect(reply.text.hasPrefix("当前位置!"))
        #expect(reply.text.utf16.count > 70)
    }

    @Test func numbersMatchWithOrWithoutCountryCode() {
        let tracker = Self.tracker(.tk103, authorised: ["+8613811111111"])
        #expect(tracker.isAuthorised("13811111111"))
        #expect(tracker.isAuthorised("+86 138 1111 1111"))
        #expect(!tracker.isAuthorised("+8613811111112"))
        #expect(!tracker.isAuthorised("+4413811111111"))
    }

    @Test func scheduledReportsCycleThroughAlarmsToEveryAuthorisedNumber() {
        var tracker = VirtualTracker(
            VirtualTrackerConfiguration(
                number: "+639170000001", model: .tk103, authorised: [Self.gateway, "+15550002222"],
                position: TrackerPosition(latitude: 6.31964, longitude: 124.975628),
                reportEvery: .seconds(60), alarms: ["help me!", "Door alarm!"]))
        let first = tracker.scheduledReport(at: Self.now)
        let second = tracker.scheduledReport(at: Self.now)
        let third = tracker.scheduledReport(at: Self.now)
        #expect(first.map(\.to) == [Self.gateway, "+15550002222"])
        #expect(first[0].text.hasPrefix("help me!\nlat:6.319640\nlong:124.975628\n"))
        #expect(second[0].text.hasPrefix("Door alarm!\nlat:"))
        #expect(third[0].text.hasPrefix("help me!\n"))
    }

    @Test func movedTrackerReportsItsNewPosition() {
        var tracker = Self.tracker(.gt06)
        tracker.move(to: TrackerPosition(latitude: -33.8688, longitude: -151.2093))
        let text = tracker.receive("WHERE#", from: Self.gateway, at: Self.now)[0].text
        #expect(text.contains("Lat:S33.868800,Lon:W151.209300"))
    }
}
