import Foundation
import GatewayDaemon
import TestSupport
import Testing

/// Command line > `TRACKERD_…` environment > config file > built-in defaults, key by key.
@Suite struct ConfigurationPrecedenceTests {
    static let file = """
        data-dir: /srv/file
        health-probe-seconds: 100
        modems:
          - {device: /dev/file0, number: '+4917000000001'}
        relay: {max-age: 20m, tracker-per-hour: 40, phone-burst: 7}
        metrics: {listen: 9100}
        mail: {from: file@example.org}
        log: {level: warning}
        """

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var environment: [String: String]
        var commandLine: GatewayConfiguration
        var check: @Sendable (EffectiveConfiguration) -> Bool
    }

    static let rows: [Row] = [
        Row(description: "the file over the defaults", environment: [:], commandLine: .init()) {
            $0.dataDirectory.path == "/srv/file" && $0.healthProbeSeconds == 100 && $0.logLevel == .warning
                && $0.relayConfiguration().maximumAge == .seconds(1_200) && $0.relayConfiguration().trackerRateLimit.perHour == 40
                && $0.relayConfiguration().trackerRateLimit.burst == 10 && $0.relayConfiguration().phoneRateLimit.burst == 7
                && $0.metricsListen == ListenAddress(host: "127.0.0.1", port: 9100) && $0.modems.map(\.device) == ["/dev/file0"]
        },
        Row(description: "the environment over the file", environment: [
            "TRACKERD_DATA_DIR": "/srv/env", "TRACKERD_RELAY_MAX_AGE": "30m", "TRACKERD_LOG_LEVEL": "debug",
            "TRACKERD_METRICS_LISTEN": "[::1]:9200", "TRACKERD_HEALTH_PROBE_SECONDS": "60", "TRACKERD_MAIL_FROM": "env@example.org",
        ], commandLine: .init()) {
            $0.dataDirectory.path == "/srv/env" && $0.relayConfiguration().maximumAge == .seconds(1_800) && $0.logLevel == .debug
                && $0.metricsListen == ListenAddress(host: "::1", port: 9200) && $0.healthProbeSeconds == 60
                && $0.mailFileValues["mail.from"] == "env@example.org"
                && $0.relayConfiguration().trackerRateLimit.perHour == 40
        },
        Row(description: "the command line over the environment", environment: ["TRACKERD_DATA_DIR": "/srv/env", "TRACKERD_RELAY_TRACKER_PER_HOUR": "50"],
            commandLine: .init(dataDirectory: "/srv/flag", modems: [.init(device: "/dev/flag0", number: "+4917000000009")],
                               relay: .init(trackerPerHour: 60), logLevel: .error)) {
            $0.dataDirectory.path == "/srv/flag" && $0.relayConfiguration().trackerRateLimit.perHour == 60 && $0.logLevel == .error
                && $0.modems.map(\.device) == ["/dev/flag0"] && $0.relayConfiguration().ownNumber == "+4917000000009"
                && $0.relayConfiguration().maximumAge == .seconds(1_200)
        },
        Row(description: "an empty variable counts as unset", environment: ["TRACKERD_DATA_DIR": "", "TRACKERD_LOG_LEVEL": " "], commandLine: .init()) {
            $0.dataDirectory.path == "/srv/file" && $0.logLevel == .warning
        },
    ]

    @Test(arguments: rows)
    func eachSourceWinsOverTheOnesBelowIt(_ row: Row) throws {
        let directory = try TemporaryDirectory(prefix: "tdp")
        let path = directory.appending("trackerd.yaml").path
        try Self.file.write(toFile: path, atomically: false, encoding: .utf8)
        let effective = try ConfigurationLoader.resolve(commandLine: row.commandLine, configFlag: path, environment: row.environment)
        #expect(effective.file == path)
        #expect(row.check(effective), "\(effective.rendered)")
    }

    @Test func withNoSourceTheDefaultsHold() throws {
        let effective = try ConfigurationLoader.resolve(commandLine: .init(), configFlag: nil,
                                                        environment: [ConfigurationLoader.pathVariable: ""])
        let relay = effective.relayConfiguration()
        #expect(effective.dataDirectory.path == "/var/lib/trackerd")
        #expect(effective.metricsListen == nil, "metrics are off unless configured")
        #expect(effective.logLevel == .info)
        #expect(effective.healthProbeSeconds == 240)
        #expect(relay.maximumAge == .seconds(600))
        #expect(relay.trackerRateLimit == .init(burst: 10, perHour: 30))
        #expect(relay.phoneRateLimit == .init(burst: 5, perHour: 20))
        #expect(throws: ConfigurationError.self) { try effective.daemonConfiguration() }
    }

    @Test(arguments: [
        ("--config over TRACKERD_CONFIG", "/a.yaml", ["TRACKERD_CONFIG": "/b.yaml"], "/a.yaml"),
        ("TRACKERD_CONFIG when no flag", nil, ["TRACKERD_CONFIG": "/b.yaml"], "/b.yaml"),
        ("the default only when it exists", nil, [:], nil),
    ] as [(String, String?, [String: String], String?)])
    func theFileIsChosenByFlagThenVariableThenDefault(_ label: String, flag: String?, environment: [String: String], expected: String?) {
        #expect(ConfigurationLoader.filePath(flag: flag, environment: environment, defaultPath: "/nonexistent/trackerd.yaml") == expected, "\(label)")
    }

    @Test(arguments: [
        ("TRACKERD_RELAY_MAX_AGE", "forever", "must be a duration"),
        ("TRACKERD_RELAY_PHONE_BURST", "-1", "must be from 1"),
        ("TRACKERD_LOG_LEVEL", "chatty", "must be one of"),
        ("TRACKERD_METRICS_LISTEN", "127.0.0.1:", "port from 1 to 65535"),
        ("TRACKERD_DATA_DIR", "relative/dir", "absolute path"),
    ])
    func aBadVariableIsNamedInTheError(variable: String, value: String, reason: String) {
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader.environment([variable: value]) }
        #expect(error?.description.hasPrefix("environment: \(variable): ") == true, "\(String(describing: error))")
        #expect(error?.reason.contains(reason) == true)
    }

    @Test func everyKeyHasItsVariableByOneRule() {
        #expect(ConfigurationLoader.keyPaths.map { ConfigurationLoader.environmentVariable(for: $0) ?? "" } == [
            "TRACKERD_DATA_DIR", "TRACKERD_REGISTRY", "TRACKERD_HEALTH_PROBE_SECONDS", "TRACKERD_RELAY_MAX_AGE",
            "TRACKERD_RELAY_TRACKER_PER_HOUR", "TRACKERD_RELAY_TRACKER_BURST", "TRACKERD_RELAY_PHONE_PER_HOUR",
            "TRACKERD_RELAY_PHONE_BURST", "TRACKERD_METRICS_LISTEN", "TRACKERD_MAIL_SENDMAIL", "TRACKERD_MAIL_FROM", "TRACKERD_LOG_LEVEL",
        ])
    }

    @Test func checkConfigMasksThePINTheRegistryPasswordAndTheNumbers() {
        let sources = GatewayConfiguration(
            registry: "postgres://trackerd:s3cret@db1/trackerd",
            modems: [.init(device: "/dev/a", number: "+4917000000001", pin: Secret("9753"))])
        let rendered = EffectiveConfiguration(sources, file: "/etc/trackerd/trackerd.yaml").rendered
        for secret in ["9753", "s3cret", "+4917000000001", "4917000000001"] {
            #expect(!rendered.contains(secret), "\(secret) shown:\n\(rendered)")
        }
        #expect(rendered.contains("pin: \"****\""))
        #expect(rendered.contains("postgres://trackerd:****@db1/trackerd"))
        #expect(rendered.contains("metrics:\n  listen: off"))
    }

    @Test(arguments: [
        ("9478", ListenAddress(host: "127.0.0.1", port: 9478)),
        (":9478", ListenAddress(host: "127.0.0.1", port: 9478)),
        ("127.0.0.1:9478", ListenAddress(host: "127.0.0.1", port: 9478)),
        ("localhost:1", ListenAddress(host: "localhost", port: 1)),
        ("127.0.0.1:0", ListenAddress(host: "127.0.0.1", port: 0)),
        ("[::1]:65535", ListenAddress(host: "::1", port: 65_535)),
    ])
    func readsListenAddresses(text: String, expected: ListenAddress) throws {
        #expect(try ListenAddress(parsing: text) == expected)
    }

    @Test(arguments: ["", "-1", "65536", "host:", "::1:9478", "[::1]9478", "a b:1", "127.0.0.1:http"])
    func refusesListenAddresses(text: String) {
        #expect(throws: ListenAddressProblem.self) { try ListenAddress(parsing: text) }
    }
}
