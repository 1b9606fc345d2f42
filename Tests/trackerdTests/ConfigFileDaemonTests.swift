import Foundation
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The config file through the real executable: a daemon configured by the file alone, every
/// refusal as one stderr line and exit 78, `--check-config`, and `mail:` feeding the notices.
@Suite(.timeLimit(.minutes(1)))
struct ConfigFileDaemonTests {
    /// A config file for the harness's world.
    static func configuration(_ h: DaemonHarness, number: String = Cast.gateway, extra: String = "") -> String {
        """
        data-dir: \(h.dataDirectory.path)
        modems:
          - device: \(h.linkPath)
            number: "\(number)"
            receive: storage
        relay: {max-age: 10m, tracker-per-hour: 30, tracker-burst: 10, phone-per-hour: 20, phone-burst: 5}
        log: {level: debug}
        \(extra)
        """
    }

    static func write(_ text: String, in h: DaemonHarness, name: String = "trackerd.yaml", mode: mode_t = 0o600) throws -> String {
        let path = h.root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chmod(path, mode) == 0)
        return path
    }

    @Test func theDaemonRunsFromTheConfigFileAloneAndRelays() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let path = try Self.write(Self.configuration(h), in: h)
        // No option at all: the file comes from TRACKERD_CONFIG, everything else from the file.
        let daemon = try DaemonProcess(arguments: ["run"], log: h.logURL, environment: ["TRACKERD_CONFIG": path])
        defer {
            daemon.kill(signal: SIGKILL)
            _ = daemon.waitForExitBlocking(timeout: .seconds(10))
        }
        let ready = await poll { (try? h.modemStatus())?["state"] as? String == "ready" }
        try #require(ready, "log:\n\(h.log.suffix(3000))")
        let report = "lat:40.416775 long:-3.703790 from the config file"
        try h.simulation.send(from: Cast.bobTracker, text: report)
        #expect(await h.inbox(of: Cast.bobPhone, count: 1).map(\.text) == [report])
        #expect(await h.waitForEmptyStorage())
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var number = Cast.gateway
        var extra = ""
        var line: Int
        var key: String
    }

    @Test(arguments: [
        Refusal(description: "unknown key", extra: "metric: {listen: 9478}", line: 8, key: "metric"),
        Refusal(description: "wrong type", extra: "health-probe-seconds: [240]", line: 8, key: "health-probe-seconds"),
        Refusal(description: "not E.164", number: "12345", line: 4, key: "modems[0].number"),
    ])
    func everyCommandRefusesABadFileWithOneLineAndExit78(_ refusal: Refusal) throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let path = try Self.write(Self.configuration(h, number: refusal.number, extra: refusal.extra), in: h)
        for arguments in [["run", "--config", path], ["run", "--check-config", "--config", path], ["customer", "list", "--config", path]] {
            let result = try ProcessRunner.run("trackerd", arguments)
            #expect(result.status == 78, "\(arguments): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(lines.first?.hasPrefix("trackerd: \(path):\(refusal.line): \(refusal.key): ") == true, "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: h.controlSocketPath), "a refused configuration started the daemon")
    }

    @Test func aPINFileOthersCanReadStopsStartUp() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let pinFile = try Self.write("1234\n", in: h, name: "sim1.pin", mode: 0o644)
        let path = try Self.write(Self.configuration(h).replacingOccurrences(of: "    receive: storage", with: "    pin-file: \(pinFile)"), in: h)
        let result = try ProcessRunner.run("trackerd", ["run"], environment: ["TRACKERD_CONFIG": path])
        #expect(result.status == 78)
        #expect(result.stderr == "trackerd: \(path):5: modems[0].pin-file: \(pinFile) is readable by group or others (mode 644); chmod 600 it\n")
    }

    @Test func aNamedFileThatIsMissingIsAnError() throws {
        let result = try ProcessRunner.run("trackerd", ["run", "--check-config", "--config", "/nonexistent/trackerd.yaml"])
        #expect(result.status == 78)
        #expect(result.stderr == "trackerd: /nonexistent/trackerd.yaml: cannot be read: No such file or directory\n")
    }

    @Test func checkConfigPrintsTheMergedResultMaskedAndStartsNothing() throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let path = try Self.write(Self.configuration(h).replacingOccurrences(of: "    receive: storage", with: "    pin: '4711'"), in: h)
        let result = try ProcessRunner.run("trackerd", ["run", "--check-config", "--config", path, "--tracker-per-hour", "99"],
                                           environment: ["TRACKERD_RELAY_MAX_AGE": "30m", "TRACKERD_METRICS_LISTEN": "9478"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  tracker-per-hour: 99\n"), "the flag wins")
        #expect(result.stdout.contains("  max-age: 30m\n"), "the environment over the file")
        #expect(result.stdout.contains("  phone-burst: 5\n"), "the file")
        #expect(result.stdout.contains("  listen: \"127.0.0.1:9478\"\n"))
        #expect(result.stdout.contains("    pin: \"****\"\n"))
        #expect(!result.stdout.contains("4711"))
        #expect(PII.needles().filter { result.stdout.contains($0) }.isEmpty, "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: h.controlSocketPath))
        #expect(h.simulation.statistics.submittedMessages == 0)
    }

    @Test func theFilesMailKeysReachTheNotices() throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let text = try Self.write("Our policy changes.\n", in: h, name: "amendment.txt")
        let environment = ["TRACKERD_MAIL_FROM": "", "TRACKERD_MAIL_SENDMAIL": ""]
        let arguments = ["notify", "amendment", "--data-dir", h.dataDirectory.path, "--version", "2026-12", "--text", text]
        let withoutFile = try ProcessRunner.run("trackerd", arguments, environment: environment)
        #expect(withoutFile.status == 78)
        #expect(withoutFile.stderr.contains("mail.from"), "\(withoutFile.stderr)")

        let path = try Self.write("mail: {sendmail: '/nonexistent/sendmail -t', from: privacy@example.org}\n", in: h, name: "mail.yaml")
        let withFile = try ProcessRunner.run("trackerd", arguments + ["--config", path], environment: environment)
        #expect(withFile.status == 78)
        #expect(withFile.stderr.contains("/nonexistent/sendmail does not exist"), "the file's sendmail was used: \(withFile.stderr)")
    }
}
