import TestSupport
import Testing
@testable import TrackerGateway

/// `shared/corpus/tracker-sms.md` — each family's position and admin command.
@Suite struct TrackerCommandProfileTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var model: TrackerModel
        var password: String
        var position: String
        var admin: String?
        var acknowledgement: String?
        var testDescription: String { "\(model.rawValue) \"\(password)\"" }
    }

    @Test(arguments: [
        Row(model: .tk103, password: "123456", position: "smslink123456", admin: "admin123456 +15550000000", acknowledgement: "admin ok"),
        Row(model: .tk103, password: "000000", position: "smslink000000", admin: "admin000000 +15550000000", acknowledgement: "admin ok"),
        Row(model: .xexun, password: "123456", position: "smstext123456", admin: "admin123456 +15550000000", acknowledgement: "admin ok"),
        Row(model: .gt06, password: "", position: "WHERE#", admin: "CENTER,A,+15550000000#", acknowledgement: "OK"),
        Row(model: .teltonika, password: "", position: "  getgps", admin: "  setparam 4000:+15550000000", acknowledgement: "New value"),
        Row(model: .teltonika, password: "asd 123", position: "asd 123 getgps", admin: "asd 123 setparam 4000:+15550000000", acknowledgement: "New value"),
        Row(model: .teltonika, password: "123", position: " 123 getgps", admin: " 123 setparam 4000:+15550000000", acknowledgement: "New value"),
        Row(model: .generic, password: "123456", position: "WHERE#", admin: nil, acknowledgement: nil),
    ])
    func buildsEachFamilysCommands(_ row: Row) {
        let profile = TrackerCommandProfile.standard(for: row.model)
        #expect(profile.positionCommand(password: row.password) == row.position)
        #expect(profile.adminCommand(password: row.password, number: "+15550000000") == row.admin)
        #expect(profile.adminAcknowledgement == row.acknowledgement)
    }

    @Test func genericUsesTheConfiguredPositionCommand() {
        let profile = TrackerCommandProfile.standard(for: .generic, genericPositionCommand: "pos{password}")
        #expect(profile.positionCommand(password: "9999") == "pos9999")
    }

    @Test func aPasswordThatLooksLikeAPlaceholderIsNotExpanded() {
        let profile = TrackerCommandProfile.standard(for: .tk103)
        #expect(profile.adminCommand(password: "{number}", number: "+1") == "admin{number} +1")
        #expect(profile.positionCommand(password: "{x") == "smslink{x")
    }

    @Test(arguments: [
        (TrackerModel.tk103, "admin ok", true),
        (.tk103, "  ADMIN OK", true),
        (.tk103, "add master ok", false),
        (.gt06, "OK!", true),
        (.gt06, "Error", false),
        (.generic, "OK", false),
    ])
    func recognisesAdminAcknowledgements(_ model: TrackerModel, _ text: String, _ expected: Bool) {
        #expect(TrackerCommandProfile.standard(for: model).isAdminAcknowledgement(text) == expected)
    }

    @Test func everyModelHasAPositionCommand() {
        for model in TrackerModel.allCases {
            #expect(!TrackerCommandProfile.standard(for: model).positionCommand(password: "123456").isEmpty)
        }
    }
}
