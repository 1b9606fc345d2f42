import Foundation
import GatewayDaemon
import TestSupport
import Testing

/// sd_notify's wire: datagrams to a path or an abstract socket; the watchdog's variables.
@Suite struct SystemdNotifierTests {
    @Test(arguments: ["path", "abstract"])
    func sendsEachMessageAsOneDatagram(kind: String) async throws {
        let directory = try TemporaryDirectory(prefix: "tdn")
        let address = kind == "path" ? directory.appending("notify").path : "@trackerd-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        let socket = try NotifySocket(path: address)
        defer { socket.close() }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": address]))
        #expect(notifier.notify(["READY=1", "STATUS=1/1 modems ready, 0 relays today"]))
        #expect(notifier.notify("WATCHDOG=1"))
        #expect(await poll { socket.messages.count == 2 })
        #expect(socket.messages == ["READY=1\nSTATUS=1/1 modems ready, 0 relays today", "WATCHDOG=1"])
    }

    @Test func aSocketNobodyListensOnIsNoError() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"])
        #expect(notifier?.notify("READY=1") == false)
    }

    @Test(arguments: [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative"], ["NOTIFY_SOCKET": "@"]])
    func withoutAUsableSocketThereIsNoNotifier(environment: [String: String]) {
        #expect(SystemdNotifier(environment: environment) == nil)
    }

    @Test(arguments: [
        (["WATCHDOG_USEC": "30000000"], Duration.seconds(15)),
        (["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "4242"], .milliseconds(200)),
    ] as [([String: String], Duration)])
    func pingsAtHalfTheTimeout(environment: [String: String], interval: Duration) {
        #expect(WatchdogSettings(environment: environment, pid: 4242)?.pingInterval == interval)
    }

    @Test(arguments: [[:], ["WATCHDOG_USEC": "0"], ["WATCHDOG_USEC": "soon"], ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"]])
    func noWatchdogUnlessItIsForThisProcess(environment: [String: String]) {
        #expect(WatchdogSettings(environment: environment, pid: 4242) == nil)
    }

    @Test func theStatusLineCountsTodaysRelaysOnly() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let morning = Date(timeIntervalSince1970: 1_764_576_000 + 8 * 3_600)
        var line = StatusLine()
        #expect(line.text(modemsReady: 1, modems: 2, relayedSinceStart: 5, now: morning, calendar: calendar) == "1/2 modems ready, 5 relays today")
        #expect(line.text(modemsReady: 2, modems: 2, relayedSinceStart: 9, now: morning + 3_600, calendar: calendar) == "2/2 modems ready, 9 relays today")
        let nextDay = morning + 86_400
        #expect(line.text(modemsReady: 2, modems: 2, relayedSinceStart: 12, now: nextDay, calendar: calendar) == "2/2 modems ready, 0 relays today")
        #expect(line.text(modemsReady: 2, modems: 2, relayedSinceStart: 13, now: nextDay + 60, calendar: calendar) == "2/2 modems ready, 1 relay today")
        #expect(StatusLine.stuck([0, 2]) == "watchdog withheld: thread of modem 1, modem 3 not turning")
    }
}
