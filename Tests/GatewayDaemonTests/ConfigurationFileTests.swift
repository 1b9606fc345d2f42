import Foundation
import GatewayDaemon
import TestSupport
import Testing

/// The config file: what is read, and every refusal as one line naming the file, line and key.
@Suite struct ConfigurationFileTests {
    static let full = """
        # the example of issue 12
        data-dir: /var/lib/trackerd
        registry: postgres://trackerd@db1/trackerd
        health-probe-seconds: 120
        modems:
          - device: /dev/serial/by-id/usb-Quectel_EC25-if02-port0
            number: "+4917000000001"
            receive: storage
          - device: /dev/ttyUSB6
            number: +4917000000002
            receive: direct
            baud: 57600
            flow-control: rts-cts
        relay: {max-age: 15m, tracker-per-hour: 31, tracker-burst: 11, phone-per-hour: 21, phone-burst: 6}
        metrics: {listen: "127.0.0.1:9478"}
        mail: {sendmail: "/usr/sbin/sendmail -t -oi", from: "privacy@example.org"}
        log: {level: notice}
        """

    @Test func readsEveryKeyOfTheIssuesExample() throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let path = try write(Self.full, to: directory)
        let values = try ConfigurationLoader.load(file: path)
        #expect(values.dataDirectory == "/var/lib/trackerd")
        #expect(values.registry == "postgres://trackerd@db1/trackerd")
        #expect(values.healthProbeSeconds == 120)
        #expect(values.modems == [
            .init(device: "/dev/serial/by-id/usb-Quectel_EC25-if02-port0", number: "+4917000000001", receive: .storage),
            .init(device: "/dev/ttyUSB6", number: "+4917000000002", receive: .direct, baud: 57_600, flowControl: .rtsCts),
        ])
        #expect(values.relay == .init(maxAge: .seconds(900), trackerPerHour: 31, trackerBurst: 11, phonePerHour: 21, phoneBurst: 6))
        #expect(values.metricsListen == ListenAddress(host: "127.0.0.1", port: 9478))
        #expect(values.mailFileValues == ["mail.sendmail": "/usr/sbin/sendmail -t -oi", "mail.from": "privacy@example.org"])
        #expect(values.logLevel == .notice)
    }

    @Test func anEmptyFileOrOneOfCommentsSetsNothing() throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        for text in ["", "# nothing yet\n", "---\n"] {
            #expect(try ConfigurationLoader.load(file: try write(text, to: directory)) == GatewayConfiguration())
        }
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var yaml: String
        var line: Int?
        var key: String?
        var reason: String
    }

    static let refusals: [Refusal] = [
        Refusal(description: "unknown top-level key", yaml: "data-dir: /d\ndatadir: /x\n", line: 2, key: "datadir", reason: "is not a known key"),
        Refusal(description: "unknown key without a value", yaml: "metric:\n", line: 1, key: "metric", reason: "is not a known key"),
        Refusal(description: "unknown relay key", yaml: "relay:\n  max-age: 10m\n  max_age: 5m\n", line: 3, key: "relay.max_age", reason: "is not a known key"),
        Refusal(description: "unknown modem key", yaml: "modems:\n  - device: /dev/a\n    number: '+4917000000001'\n    speed: 9600\n",
                line: 4, key: "modems[0].speed", reason: "is not a known key"),
        Refusal(description: "modems not a list", yaml: "modems: /dev/ttyUSB2\n", line: 1, key: "modems", reason: "must be a list"),
        Refusal(description: "relay not a mapping", yaml: "relay: [1, 2]\n", line: 1, key: "relay", reason: "must be a mapping"),
        Refusal(description: "a word for a count", yaml: "relay: {tracker-per-hour: many}\n", line: 1, key: "relay.tracker-per-hour", reason: "must be a whole number"),
        Refusal(description: "a list for a count", yaml: "health-probe-seconds:\n  - 5\n", line: 2, key: "health-probe-seconds", reason: "not a list"),
        Refusal(description: "a zero rate", yaml: "relay:\n  phone-burst: 0\n", line: 2, key: "relay.phone-burst", reason: "must be from 1"),
        Refusal(description: "a bad duration", yaml: "relay: {max-age: soon}\n", line: 1, key: "relay.max-age", reason: "must be a duration"),
        Refusal(description: "a bad log level", yaml: "log:\n  level: loud\n", line: 2, key: "log.level", reason: "must be one of"),
        Refusal(description: "a bad listen address", yaml: "metrics:\n  listen: 'localhost:99999'\n", line: 2, key: "metrics.listen", reason: "port from 1 to 65535"),
        Refusal(description: "a bad sender address", yaml: "mail:\n  from: not-an-address\n", line: 2, key: "mail.from", reason: "@"),
        Refusal(description: "a relative data-dir", yaml: "data-dir: var/lib\n", line: 1, key: "data-dir", reason: "absolute path"),
        Refusal(description: "a national number", yaml: "modems:\n  - device: /dev/a\n    number: '0170 1234567'\n",
                line: 3, key: "modems[0].number", reason: "is not an E.164 number"),
        Refusal(description: "a short code", yaml: "modems:\n  - device: /dev/a\n    number: '+4912'\n", line: 3, key: "modems[0].number", reason: "is not an E.164 number"),
        Refusal(description: "a modem without a number", yaml: "modems:\n  - device: /dev/a\n", line: 2, key: "modems[0].number", reason: "is missing"),
        Refusal(description: "a bad receive mode", yaml: "modems:\n  - {device: /dev/a, number: '+4917000000001', receive: sim}\n",
                line: 2, key: "modems[0].receive", reason: "storage or direct"),
        Refusal(description: "an unreadable pin file", yaml: "modems:\n  - device: /dev/a\n    number: '+4917000000001'\n    pin-file: /nonexistent/sim1.pin\n",
                line: 4, key: "modems[0].pin-file", reason: "cannot be read: No such file or directory"),
        Refusal(description: "pin and pin-file both", yaml: "modems:\n  - device: /dev/a\n    number: '+4917000000001'\n    pin: '1234'\n    pin-file: /x\n",
                line: 4, key: "modems[0].pin", reason: "both given"),
        Refusal(description: "a YAML syntax error", yaml: "relay: {max-age: 10m\nlog: {level: info}\n", line: 2, key: nil, reason: "YAML syntax"),
        Refusal(description: "a key given twice", yaml: "data-dir: /a\ndata-dir: /b\n", line: 1, key: "data-dir", reason: "more than once"),
        Refusal(description: "not a mapping at all", yaml: "- data-dir\n", line: 1, key: nil, reason: "must be a mapping of keys"),
    ]

    @Test(arguments: refusals)
    func refusesWithOneLineNamingFileLineAndKey(_ refusal: Refusal) throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let path = try write(refusal.yaml, to: directory)
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: path) }
        #expect(error.source == path)
        #expect(error.line == refusal.line)
        #expect(error.key == refusal.key)
        #expect(error.reason.contains(refusal.reason), "reason: \(error.reason)")
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix(path + (refusal.line.map { ":\($0)" } ?? "") + ": "))
    }

    @Test func aPINFileIsReadAndNeverShown() throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let pinFile = directory.appending("sim1.pin").path
        try "2468\n".write(toFile: pinFile, atomically: false, encoding: .utf8)
        #expect(chmod(pinFile, 0o600) == 0)
        let path = try write("modems:\n  - {device: /dev/a, number: '+4917000000001', pin-file: \(pinFile)}\n", to: directory)
        let modem = try #require(try ConfigurationLoader.load(file: path).modems?.first)
        #expect(modem.pin?.value == "2468")
        #expect(modem.pinFile == pinFile)
        #expect("\(modem)".contains("2468") == false)
        let rendered = EffectiveConfiguration(try ConfigurationLoader.load(file: path), file: path).rendered
        #expect(!rendered.contains("2468"))
        #expect(rendered.contains("pin-file: \(pinFile)"))
    }

    @Test(arguments: [0o640, 0o604, 0o644])
    func refusesAPINFileOthersCanRead(mode: Int) throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let pinFile = directory.appending("sim1.pin").path
        try "2468\n".write(toFile: pinFile, atomically: false, encoding: .utf8)
        #expect(chmod(pinFile, mode_t(mode)) == 0)
        let path = try write("modems:\n  - device: /dev/a\n    number: '+4917000000001'\n    pin-file: \(pinFile)\n", to: directory)
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: path) }
        #expect(error.line == 4)
        #expect(error.key == "modems[0].pin-file")
        #expect(error.reason.contains("readable by group or others"))
        #expect(!error.description.contains("2468"))
    }

    @Test(arguments: [(0o600, true), (0o640, false), (0o604, false)])
    func aPINInTheFileItselfNeedsAPrivateFile(mode: Int, accepted: Bool) throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let path = try write("modems:\n  - device: /dev/a\n    number: '+4917000000001'\n    pin: '8642'\n", to: directory, mode: mode_t(mode))
        if accepted {
            #expect(try ConfigurationLoader.load(file: path).modems?.first?.pin?.value == "8642")
        } else {
            let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: path) }
            #expect(error.line == 4)
            #expect(error.key == "modems[0].pin")
            #expect(error.reason.contains("group or others can read"))
            #expect(!error.description.contains("8642"))
        }
    }

    @Test func aSyntaxErrorNeverQuotesTheFile() throws {
        let directory = try TemporaryDirectory(prefix: "tdc")
        let path = try write("modems:\n  - device: /dev/a\n    pin: '1357\n", to: directory)
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: path) }
        #expect(error.reason.contains("YAML syntax"))
        #expect(!error.description.contains("1357"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aMissingOrUnreadableFileNamesOnlyTheFile() throws {
        let missing = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: "/nonexistent/trackerd.yaml") }
        #expect(missing.description == "/nonexistent/trackerd.yaml: cannot be read: No such file or directory")
        let directory = try TemporaryDirectory(prefix: "tdc")
        let notAFile = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(file: directory.path) }
        #expect(notAFile.reason == "is not a regular file")
    }

    /// Writes `text` as a fresh file in `directory` (mode 0600 unless told).
    private func write(_ text: String, to directory: TemporaryDirectory, mode: mode_t = 0o600) throws -> String {
        let path = directory.appending("trackerd-\(UUID().uuidString.prefix(8)).yaml").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chmod(path, mode) == 0)
        return path
    }
}
