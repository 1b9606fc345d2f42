import Foundation
import TestSupport
import Testing

/// `trackerd pdu decode|encode` and `trackerd ports`, run as the real executable.
@Suite struct PDUCommandTests {
    struct DecodeCase: Sendable, CustomStringConvertible {
        var hex: String
        var expected: [String: String]
        var description: String { expected["type"] ?? "?" }
    }

    @Test(arguments: [
        // Published SMS-DELIVER: "How are you?" from +31641600986 via +31624000000.
        DecodeCase(hex: "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07", expected: [
            "type": "deliver", "smsc": "+31624000000", "from": "+31641600986", "text": "How are you?", "encoding": "gsm7",
        ]),
        // SMS-SUBMIT with no SMSC, national destination, UCS-2 body.
        DecodeCase(hex: "0001000A8110325476980008044F60597D", expected: [
            "type": "submit", "to": "0123456789", "text": "你好", "encoding": "ucs2",
        ]),
        // SMS-STATUS-REPORT: message 0x2A to +4917012345678 delivered.
        DecodeCase(hex: "0006" + "2A" + "0D91" + "947110325476F8" + "32113211000000" + "32113211000500" + "00", expected: [
            "type": "status-report", "to": "+4917012345678",
        ]),
    ])
    func decodePrintsOneJSONObject(_ row: DecodeCase) throws {
        let result = try ProcessRunner.run("trackerd", ["pdu", "decode", row.hex])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(ProcessRunner.json(result.stdout) as? [String: Any])
        for (key, value) in row.expected {
            #expect(object[key] as? String == value, "\(key)")
        }
    }

    @Test func decodeGivesTimestampWithOffsetAndConcatenation() throws {
        let encoded = try ProcessRunner.run("trackerd", ["pdu", "encode", "--to", "+4917012345678", "--text", String(repeating: "x", count: 200), "--reference", "77"])
        #expect(encoded.status == 0)
        let parts = try #require(ProcessRunner.json(encoded.stdout) as? [[String: Any]])
        #expect(parts.count == 2)
        let second = try #require(parts[1]["pdu"] as? String)
        let decoded = try ProcessRunner.run("trackerd", ["pdu", "decode", second])
        let object = try #require(ProcessRunner.json(decoded.stdout) as? [String: Any])
        let concat = try #require(object["concat"] as? [String: Int])
        #expect(concat == ["ref": 77, "part": 2, "total": 2])
    }

    @Test(arguments: ["", "zz", "0791", "07911326040000F0040B911346610089F600002080629173140", "07911326040000F004", "FFFFFFFF"])
    func aBadPDUIsOneLineOnStderrAndExit65(_ hex: String) throws {
        let result = try ProcessRunner.run("trackerd", ["pdu", "decode", hex])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        (["--text", "LOCATE car"], 1, "gsm7"),
        (["--text", "Grüße {€}", "--ucs2"], 1, "ucs2"),
        (["--text", String(repeating: "🚗", count: 40)], 2, "ucs2"),
        (["--text", String(repeating: "[", count: 100)], 2, "gsm7"),
    ])
    func encodeGivesPartsThatDecodeBack(arguments: [String], expectedParts: Int, encoding: String) throws {
        let text = arguments[1]
        let result = try ProcessRunner.run("trackerd", ["pdu", "encode", "--to", "+4917012345678"] + arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let parts = try #require(ProcessRunner.json(result.stdout) as? [[String: Any]])
        #expect(parts.count == expectedParts)
        var joined = ""
        for part in parts {
            let hex = try #require(part["pdu"] as? String)
            #expect(hex.hasPrefix("00"))
            #expect(part["length"] as? Int == hex.count / 2 - 1)
            let decoded = try ProcessRunner.run("trackerd", ["pdu", "decode", hex])
            let object = try #require(ProcessRunner.json(decoded.stdout) as? [String: Any])
            #expect(object["encoding"] as? String == encoding)
            joined += object["text"] as? String ?? ""
        }
        #expect(joined == text)
    }

    @Test(arguments: [
        ["pdu", "encode", "--to", "abc", "--text", "x"],
        ["pdu", "encode", "--to", "+4917012345678", "--text", "x", "--class", "4"],
        ["pdu", "encode", "--text", "x"],
        ["pdu", "frobnicate"],
        ["pdu", "encode", "--to", "+4917012345678", "--text", String(repeating: "x", count: 255 * 153 + 1)],
    ])
    func aWrongArgumentIsAUsageError(_ arguments: [String]) throws {
        let result = try ProcessRunner.run("trackerd", arguments)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }

    @Test func portsListsThroughLibserialport() throws {
        let result = try ProcessRunner.run("trackerd", ["ports", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let ports = try #require(ProcessRunner.json(result.stdout) as? [[String: Any]])
        for port in ports {
            #expect((port["name"] as? String)?.isEmpty == false)
            #expect(["usb", "bluetooth", "native", "unknown"].contains(port["transport"] as? String ?? ""))
        }
    }
}
