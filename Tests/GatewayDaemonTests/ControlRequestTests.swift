import Foundation
import GatewayDaemon
import Testing

/// The daemon's control-socket request lines: what is read, what is refused and with which words,
/// and replies that stay one valid JSON line whatever their error text holds.
@Suite struct ControlRequestTests {
    static let recipient32 = "+" + String(repeating: "1", count: 31)
    static let text1600 = String(repeating: "😀", count: 1_600)

    @Test(arguments: [
        (#"{"op":"status"}"#, ControlRequest.status),
        (#"  { "op" : "status" }  "#, .status),
        (#"{"op":"send","to":"+4917012345678","text":"Pos 52.5200,13.4050"}"#, .send(to: "+4917012345678", text: "Pos 52.5200,13.4050")),
        (#"{"text":"","to":"+1","op":"send"}"#, .send(to: "+1", text: "")),
        (#"{"op":"send","to":"+1","text":"two\nlines \"quoted\" \u00e9 \ud83d\ude00 a\/b"}"#, .send(to: "+1", text: "two\nlines \"quoted\" é 😀 a/b")),
        (#"{"op":"send","to":"\#(recipient32)","text":"\#(text1600)"}"#, .send(to: recipient32, text: text1600)),
        (#"{"op":"provision","tracker":7}"#, .provision(trackerID: 7, timeout: .seconds(120))),
        (#"{"op":"provision","tracker":7,"timeout":null}"#, .provision(trackerID: 7, timeout: .seconds(120))),
        (#"{"op":"provision","tracker":7,"timeout":1}"#, .provision(trackerID: 7, timeout: .seconds(1))),
        (#"{"op":"provision","tracker":7,"timeout":3600}"#, .provision(trackerID: 7, timeout: .seconds(3_600))),
        (#"{"op":"provision","tracker":3.0,"timeout":6e1}"#, .provision(trackerID: 3, timeout: .seconds(60))),
        (#"{"op":"provision","tracker":9223372036854775807}"#, .provision(trackerID: .max, timeout: .seconds(120))),
    ])
    func readsEveryOp(line: String, expected: ControlRequest) throws {
        #expect(try ControlRequest.parse(line) == expected)
    }

    @Test(arguments: [
        ("", ControlRequestError.notARequest),
        ("status", .notARequest),
        ("[]", .notARequest),
        (#""op""#, .notARequest),
        ("{}", .notARequest),
        (#"{"op":1}"#, .notARequest),
        (#"{"op":null}"#, .notARequest),
        (#"{"op":"status""#, .notARequest),
        (#"{"op":"status"} {"op":"status"}"#, .notARequest),
        (#"{"op":"x"}"#, .unknownOp("x")),
        (#"{"op":"STATUS"}"#, .unknownOp("STATUS")),
        (#"{"op":"status","verbose":true}"#, .unknownField("verbose")),
        (#"{"op":"provision","tracker":1,"timout":60}"#, .unknownField("timout")),
        (#"{"op":"send","to":"+1","text":"a","tracker":1}"#, .unknownField("tracker")),
        (#"{"op":"send","text":"hi"}"#, .missingField("to")),
        (#"{"op":"send","to":null,"text":"hi"}"#, .missingField("to")),
        (#"{"op":"send","to":"+1"}"#, .missingField("text")),
        (#"{"op":"send","to":4917012345678,"text":"hi"}"#, .notAString(field: "to")),
        (#"{"op":"send","to":"+1","text":["hi"]}"#, .notAString(field: "text")),
        (#"{"op":"send","to":"+1","text":"\ud800"}"#, .notAString(field: "text")),
        (#"{"op":"send","to":"","text":"hi"}"#, .empty(field: "to")),
        (#"{"op":"send","to":"\#(recipient32)1","text":"hi"}"#, .tooLong(field: "to", maximum: 32)),
        (#"{"op":"send","to":"+1","text":"\#(text1600)x"}"#, .tooLong(field: "text", maximum: 1_600)),
        (#"{"op":"provision"}"#, .missingField("tracker")),
        (#"{"op":"provision","timeout":60}"#, .missingField("tracker")),
        (#"{"op":"provision","tracker":2.5}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":1e400}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":9223372036854775808}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":"5"}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":true}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":0}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":-3}"#, .notAPositiveInteger(field: "tracker")),
        (#"{"op":"provision","tracker":1,"timeout":0}"#, .timeoutOutOfRange),
        (#"{"op":"provision","tracker":1,"timeout":3601}"#, .timeoutOutOfRange),
        (#"{"op":"provision","tracker":1,"timeout":-60}"#, .timeoutOutOfRange),
        (#"{"op":"provision","tracker":1,"timeout":2.5}"#, .timeoutOutOfRange),
        (#"{"op":"provision","tracker":1,"timeout":1e400}"#, .timeoutOutOfRange),
        (#"{"op":"provision","tracker":1,"timeout":"60"}"#, .timeoutOutOfRange),
    ])
    func refusesEveryMalformedLineNamingWhatIsWrong(line: String, expected: ControlRequestError) {
        #expect(throws: expected) { try ControlRequest.parse(line) }
    }

    @Test(arguments: [
        (ControlRequestError.notARequest, #"request must be a JSON object with an "op""#),
        (.unknownOp("x"), #"unknown op "x""#),
        (.unknownOp(String(repeating: "o", count: 40)), #"unknown op ""# + String(repeating: "o", count: 32) + #"…""#),
        (.unknownField("timout"), #"unknown field "timout""#),
        (.missingField("to"), #"missing field "to""#),
        (.notAString(field: "text"), #"field "text" must be a string"#),
        (.empty(field: "to"), #"field "to" must not be empty"#),
        (.tooLong(field: "to", maximum: 32), #"field "to" must be at most 32 characters"#),
        (.notAPositiveInteger(field: "tracker"), #"field "tracker" must be a positive integer"#),
        (.timeoutOutOfRange, #"field "timeout" must be 1…3600 seconds"#),
    ])
    func everyErrorSaysWhichFieldInWords(error: ControlRequestError, message: String) {
        #expect(error.message == message)
        #expect("\(error)" == message)
    }

    @Test(arguments: [
        ControlRequest.status,
        .send(to: "+4917012345678", text: "LOCATE car"),
        .send(to: "+1", text: "quote \" backslash \\ newline \n tab \t nul \u{0} del \u{7F} sep \u{2028} 😀 €"),
        .send(to: recipient32, text: text1600),
        .provision(trackerID: 1, timeout: .seconds(1)),
        .provision(trackerID: .max, timeout: .seconds(3_600)),
    ])
    func aRequestWrittenAsItsLineReadsBackTheSame(request: ControlRequest) throws {
        let line = request.jsonLine
        #expect(!line.contains("\n"))
        #expect(try ControlRequest.parse(line) == request)
    }

    static func decodedObject(_ line: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    @Test(arguments: [
        "send failed: modem said \"+CMS ERROR: 500\"",
        "line one\nline two\r\n",
        "a backslash \\ and a slash /",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}\u{2028}\u{2029}",
        "😀 é € 中文",
        "",
    ])
    func anErrorReplyIsOneLineOfValidJSONWhateverTheMessageHolds(message: String) throws {
        let reply = ControlRequest.reply(error: message)
        #expect(reply.hasPrefix(#"{"ok":false,"error":""#))
        #expect(!reply.contains("\n") && !reply.contains("\r"))
        let object = try #require(Self.decodedObject(reply))
        #expect(object["ok"] as? Bool == false)
        #expect(object["error"] as? String == message)
        #expect(object.count == 2)
    }

    @Test func anErrorReplyCarriesTheParseErrorsMessage() throws {
        let reply = ControlRequest.reply(error: ControlRequestError.missingField("to"))
        #expect(reply == #"{"ok":false,"error":"missing field \"to\""}"#)
    }

    @Test func successRepliesAreValidJSON() throws {
        let sent = try #require(Self.decodedObject(ControlRequest.reply(sentReferences: [3, 4])))
        #expect(sent["ok"] as? Bool == true)
        #expect(sent["references"] as? [Int] == [3, 4])
        #expect(Self.decodedObject(ControlRequest.reply(sentReferences: []))?["references"] as? [Int] == [])
        let provisioned = try #require(Self.decodedObject(ControlRequest.reply(acknowledged: false)))
        #expect(provisioned["acknowledged"] as? Bool == false)
        #expect(provisioned["ok"] as? Bool == true)
    }
}
