import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// Parsing control lines: every op's fields, and the error each malformed line gets.
@Suite struct ControlSocketRequestTests {
    static let position = TrackerPosition(latitude: 14.5, longitude: 121)

    @Test(arguments: [
        (#"{"op":"phone.add","number":"+15550002222"}"#, ControlRequest.addPhone(number: "+15550002222")),
        (
            #"{"op":"send","from":"+639170000001","text":"hello"}"#,
            .send(from: "+639170000001", text: "hello", ucs2: false, to: nil)
        ),
        (
            #"{"op":"send","from":"+639170000001","text":"hello","ucs2":true}"#,
            .send(from: "+639170000001", text: "hello", ucs2: true, to: nil)
        ),
        (
            #"{"op":"send","from":"+639170000001","parts":["a","b"],"ref":7,"order":[2,1,2]}"#,
            .sendParts(from: "+639170000001", parts: ["a", "b"], reference: 7, order: [2, 1, 2], ucs2: false, to: nil)
        ),
        (
            #"{"op":"send","from":"+639170000001","parts":["a","b"]}"#,
            .sendParts(from: "+639170000001", parts: ["a", "b"], reference: 0, order: [1, 2], ucs2: false, to: nil)
        ),
        (#"{"op":"inbox","number":"+15550002222"}"#, .inbox(number: "+15550002222")),
        (#"{"op":"storage"}"#, .storage(modem: nil)),
        (#"{"op":"storage","modem":"+15550001112"}"#, .storage(modem: "+15550001112")),
        (#"{"op":"fault","kind":"drop","ms":250}"#, .fault(.drop(reopenAfter: .milliseconds(250)), modem: nil)),
        (#"{"op":"fault","kind":"cms-error","count":2,"code":321}"#, .fault(.cmsError(count: 2, code: 321), modem: nil)),
        (#"{"op":"fault","kind":"hang","ms":1000}"#, .fault(.hang(.milliseconds(1000)), modem: nil)),
        (#"{"op":"fault","kind":"garble","count":3}"#, .fault(.garble(count: 3), modem: nil)),
        (#"{"op":"fault","kind":"urc-noise","count":4}"#, .fault(.urcNoise(count: 4), modem: nil)),
        (#"{"op":"fault","kind":"storage-full"}"#, .fault(.storageFull, modem: nil)),
        (#"{"op":"fault","kind":"storage-full","modem":"+15550001112"}"#, .fault(.storageFull, modem: "+15550001112")),
        (#"{"op":"fault","kind":"pin-locked"}"#, .fault(.pinLocked, modem: nil)),
        (#"{"op":"fault","kind":"storage-ok"}"#, .liftStorageFull(modem: nil)),
        (#"{"op":"fault","kind":"storage-ok","modem":"15550001112"}"#, .liftStorageFull(modem: "15550001112")),
        (#"{"op":"alarm","number":"+639170000001","kind":"help me!"}"#, .alarm(number: "+639170000001", kind: "help me!")),
        (
            #"{"op":"move","number":"+639170000001","position":[14.5,121]}"#,
            .move(number: "+639170000001", position: position)
        ),
        (#"{"op":"reset"}"#, .reset),
        (#"{"op":"sent"}"#, .sent(modem: nil)),
        (#"{"op":"sent","modem":"+15550001112"}"#, .sent(modem: "+15550001112")),
        (#"{"op":"stats"}"#, .stats(modem: nil)),
        (#"{"op":"stats","modem":"+15550001112"}"#, .stats(modem: "+15550001112")),
        (#"{"op":"modems"}"#, .modems),
        (#"{"op":"report","number":"+639170000001"}"#, .report(number: "+639170000001")),
        (
            #"{"op":"send","from":"+639170000001","text":"hi","to":"+15550001112"}"#,
            .send(from: "+639170000001", text: "hi", ucs2: false, to: "+15550001112")
        ),
        (
            #"{"op":"send","from":"+639170000001","parts":["a"],"to":"+15550001112"}"#,
            .sendParts(from: "+639170000001", parts: ["a"], reference: 0, order: [1], ucs2: false, to: "+15550001112")
        ),
    ])
    func parsesEveryOp(_ line: String, _ expected: ControlRequest) throws {
        #expect(try ControlRequest(jsonLine: line) == expected)
    }

    @Test func parsesTrackerAddWithDefaultsAndOptions() throws {
        let minimal = try ControlRequest(
            jsonLine: #"{"op":"tracker.add","number":"+639170000001","model":"TK103","position":[14.5,121]}"#)
        #expect(
            minimal
                == .addTracker(
                    VirtualTrackerConfiguration(number: "+639170000001", model: .tk103, position: Self.position)))
        let full = try ControlRequest(
            jsonLine: #"""
                {"op":"tracker.add","number":"+639170000001","model":"gt06","password":"000000",
                 "authorised":["+15550001111","+15550001112"],"position":[14.5,121],"report_every_ms":60000,
                 "alarms":["help me!"],"chinese":true}
                """#.replacingOccurrences(of: "\n", with: ""))
        #expect(
            full
                == .addTracker(
                    VirtualTrackerConfiguration(
                        number: "+639170000001", model: .gt06, password: "000000", authorised: ["+15550001111", "+15550001112"],
                        position: Self.position, reportEvery: .seconds(60), alarms: ["help me!"], chinese: true)))
    }

    @Test(arguments: [
        ("not json", "malformed JSON"),
        ("[1,2]", "request must be a JSON object"),
        (#"{"number":"+1555"}"#, #"missing field "op""#),
        (#"{"op":"teleport"}"#, #"unknown op "teleport""#),
        (#"{"op":"phone.add"}"#, #"missing field "number""#),
        (#"{"op":"phone.add","number":15550002222}"#, #"field "number" must be a string"#),
        (#"{"op":"phone.add","number":"call me"}"#, #"field "number" is not a phone number"#),
        (#"{"op":"send","from":"+15550002222"}"#, #"missing field "text""#),
        (#"{"op":"send","from":"+15550002222","text":"x","ucs2":1}"#, #"field "ucs2" must be true or false"#),
        (#"{"op":"send","from":"+15550002222","parts":[]}"#, #"field "parts" must hold 1 to 255 texts"#),
        (#"{"op":"send","from":"+15550002222","parts":["a"],"order":[2]}"#, #"field "order" holds part numbers 1…1"#),
        (#"{"op":"send","from":"+15550002222","parts":["a"],"ref":300}"#, #"field "ref" must be 0…255"#),
        (#"{"op":"send","from":"+15550002222","parts":["a",2]}"#, #"field "parts" must be an array of strings"#),
        (
            #"{"op":"tracker.add","number":"+639170000001","model":"nokia","position":[1,2]}"#,
            #"unknown model "nokia"; known: tk103, xexun, gt06, teltonika, generic"#
        ),
        (
            #"{"op":"tracker.add","number":"+639170000001","model":"tk103","position":[91,2]}"#,
            #"field "position" must be [latitude, longitude] in degrees"#
        ),
        (
            #"{"op":"tracker.add","number":"+639170000001","model":"tk103","position":[1,2],"report_every_ms":0}"#,
            #"field "report_every_ms" must be positive"#
        ),
        (#"{"op":"send","from":"+15550002222","text":"x","to":"modem two"}"#, #"field "to" is not a phone number"#),
        (#"{"op":"stats","modem":1}"#, #"field "modem" must be a string"#),
        (
            #"{"op":"tracker.add","number":"+639170000001","model":"tk103","position":[1,2],"authorised":"+15550001111"}"#,
            #"field "authorised" must be an array of strings"#
        ),
        (#"{"op":"fault"}"#, #"missing field "kind""#),
        (#"{"op":"fault","kind":"drop"}"#, #"missing field "ms""#),
        (#"{"op":"fault","kind":"hang","ms":-5}"#, #"field "ms" must be positive"#),
        (#"{"op":"fault","kind":"cms-error","code":1000}"#, #"field "code" must be 0…999"#),
        (
            #"{"op":"fault","kind":"meteor"}"#,
            #"unknown fault kind "meteor"; known: drop, cms-error, hang, garble, urc-noise, storage-full, storage-ok, pin-locked"#
        ),
    ])
    func malformedLineIsRefusedWithAMessageNamingTheField(_ line: String, _ message: String) {
        #expect(throws: ControlRequestError(message)) { try ControlRequest(jsonLine: line) }
    }
}
