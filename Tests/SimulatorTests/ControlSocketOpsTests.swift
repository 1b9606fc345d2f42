#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TestSupport
import Testing

@testable import Simulator

/// Every control op over a real Unix socket against a running simulation, and malformed
/// requests answered with an error while the simulation keeps serving.
@Suite(.serialized) struct ControlSocketOpsTests {
    static let modemNumber = "+15550001111"
    static let phone = "+15550002222"
    static let tracker = "+639170000001"

    static func start() throws -> (Simulation, ControlClient) {
        var template = Array("/tmp/simnet-ops-XXXXXX".utf8CString)
        guard let pointer = mkdtemp(&template) else { throw SimulationError(path: "/tmp", operation: "mkdtemp", errno: errno) }
        let directory = String(cString: pointer)
        let simulation = Simulation(
            configuration: SimulationConfiguration(
                linkPath: directory + "/modem", controlPath: directory + "/control.sock", modemNumber: modemNumber,
                radioDelay: .zero, logLevel: .critical))
        try simulation.start()
        return (simulation, try ControlClient(path: directory + "/control.sock"))
    }

    @Test func phoneAndTrackerAddThenAlarmReachesThePhoneInbox() throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        #expect(control.request(["op": "phone.add", "number": .string(Self.phone)]) == ["ok": true, "number": .string(Self.phone)])
        let added = control.request([
            "op": "tracker.add", "number": .string(Self.tracker), "model": "xexun", "password": "123456",
            "authorised": [.string(Self.phone)], "position": [55.807693, 37.73064], "report_every_ms": 3_600_000,
        ])
        #expect(added == ["ok": true, "number": .string(Self.tracker), "model": "xexun"])
        #expect(simulation.network.tracker(Self.tracker)?.configuration.reportEvery == .seconds(3600))
        #expect(control.request(["op": "alarm", "number": .string(Self.tracker), "kind": "low battery"])?["ok"] == true)
        let inbox = control.request(["op": "inbox", "number": .string(Self.phone)])
        let messages = try #require(inbox?["messages"]?.arrayValue)
        #expect(messages.count == 1)
        #expect(messages.first?["from"] == .string(Self.tracker))
        #expect(messages.first?["parts"] == 1)
        #expect(messages.first?["text"]?.stringValue?.hasPrefix("low battery lat: 55.807693 long: 037.730640") == true)
    }

    @Test func moveChangesWhatTheTrackerReports() throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        _ = control.request(["op": "phone.add", "number": .string(Self.phone)])
        _ = control.request([
            "op": "tracker.add", "number": .string(Self.tracker), "model": "gt06",
            "authorised": [.string(Self.phone)], "position": [1, 2],
        ])
        #expect(control.request(["op": "move", "number": .string(Self.tracker), "position": [-33.8688, 151.2093]])?["ok"] == true)
        _ = control.request(["op": "alarm", "number": .string(Self.tracker), "kind": "SOS!"])
        let text = control.request(["op": "inbox", "number": .string(Self.phone)])?["messages"]?.arrayValue?.first?["text"]
        #expect(text?.stringValue?.contains("Lat:S33.868800,Lon:E151.209300") == true)
    }

    @Test func sendAndSendPartsAreAcceptedAndCounted() throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        let long = String(repeating: "x", count: 200)
        #expect(control.request(["op": "send", "from": .string(Self.tracker), "text": .string(long)]) == ["ok": true, "parts": 2])
        #expect(
            control.request(["op": "send", "from": .string(Self.tracker), "parts": ["a", "b"], "ref": 3, "order": [2, 2, 1]])
                == ["ok": true, "parts": 3])
        #expect(control.request(["op": "send", "from": .string(Self.tracker), "text": "中文", "ucs2": true])?["ok"] == true)
        let stats = try #require(control.request(["op": "stats"]))
        #expect(stats["ok"] == true)
        #expect(stats["pending_deliveries"]?.intValue.map { $0 >= 0 } == true)
        #expect(control.request(["op": "sent"]) == ["ok": true, "modem": .string(Self.modemNumber), "parts": 0, "messages": 0])
    }

    @Test(arguments: [
        #"{"kind":"drop","ms":50}"#, #"{"kind":"cms-error","count":1,"code":500}"#, #"{"kind":"hang","ms":10}"#,
        #"{"kind":"garble","count":1}"#, #"{"kind":"urc-noise","count":2}"#, #"{"kind":"storage-full"}"#,
        #"{"kind":"pin-locked"}"#,
    ])
    func everyFaultKindIsAccepted(_ fault: String) throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        let line = #"{"op":"fault","# + fault.dropFirst()
        #expect(control.request(line) == ["ok": true])
        #expect(control.request(#"{"op":"reset"}"#) == ["ok": true])
    }

    @Test func storageAndResetAnswer() throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        #expect(control.request(#"{"op":"storage"}"#)?["messages"] == .array([]))
        _ = control.request(["op": "phone.add", "number": .string(Self.phone)])
        #expect(control.request(#"{"op":"reset"}"#) == ["ok": true])
        #expect(control.request(["op": "inbox", "number": .string(Self.phone)])?["ok"] == false)
    }

    @Test(arguments: [
        "{oops", #"{"op":"warp"}"#, #"{"op":"inbox"}"#, #"{"op":"send","from":"+1555","text":5}"#, "42", "\"text\"",
        #"{"op":"inbox","number":"+15550009999"}"#, #"{"op":"alarm","number":"+15550009999","kind":"x"}"#,
        #"{"op":"phone.add","number":"+15550001111"}"#,
        #"{"op":"send","from":"+15550003333","text":""# + String(repeating: "x", count: 40_000) + #""}"#,
    ])
    func malformedOrImpossibleRequestGetsAnErrorAndTheSimulatorKeepsServing(_ line: String) throws {
        let (simulation, control) = try Self.start()
        defer { simulation.stop() }
        let reply = try #require(control.request(line))
        #expect(reply["ok"] == false)
        #expect(reply["error"]?.stringValue?.isEmpty == false)
        #expect(control.request(#"{"op":"stats"}"#)?["ok"] == true)
    }
}
