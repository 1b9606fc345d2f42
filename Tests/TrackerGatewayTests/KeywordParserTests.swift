import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" — keywords are case- and space-insensitive.
@Suite struct KeywordParserTests {
    @Test(arguments: [
        ("LOCATE", PhoneKeyword.locate(label: nil)),
        ("locate", .locate(label: nil)),
        ("  locate   Car ", .locate(label: "Car")),
        ("Locate my   red\tcar", .locate(label: "my red car")),
        ("LOCATE\nVan", .locate(label: "Van")),
        ("locate car.", .locate(label: "car")),
        ("STOP", .stop),
        (" stop ", .stop),
        ("Stop.", .stop),
        ("START", .start),
        ("start!", .start),
        ("HELP", .help),
        ("help?", .help),
        ("\u{00A0}HeLp\u{00A0}", .help),
        ("stop the car", .unrecognised),
        ("STOPP", .unrecognised),
        ("locatecar", .unrecognised),
        ("", .unrecognised),
        ("   ", .unrecognised),
        ("?!", .unrecognised),
        ("where is my car", .unrecognised),
    ])
    func parsesKeywordsIgnoringCaseAndSpacing(_ text: String, _ expected: PhoneKeyword) {
        #expect(KeywordParser.parse(text) == expected)
    }

    @Test(arguments: [("Car", "  car "), ("My  Red Car", "my red car"), ("VAN", "van")])
    func labelsCompareIgnoringCaseAndSpacing(_ stored: String, _ asked: String) {
        #expect(KeywordParser.normalisedLabel(stored) == KeywordParser.normalisedLabel(asked))
    }

    @Test func differentLabelsDoNotMatch() {
        #expect(KeywordParser.normalisedLabel("Car") != KeywordParser.normalisedLabel("Car 2"))
    }
}
