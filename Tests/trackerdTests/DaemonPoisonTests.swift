import Foundation
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue #9.2: a message whose handling crashes the daemon is set aside after the second crash
/// (counted, logged without its body), instead of crash-looping the daemon for every customer.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DaemonPoisonTests {
    static let hooks = ["TRACKERD_TEST_HOOKS": "1", "TRACKERD_TEST_CRASH_ON": "POISON"]

    @Test(arguments: ["storage", "direct"])
    func aMessageThatCrashedTheDaemonTwiceIsSetAsideAndEveryoneElseIsServed(_ mode: String) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let poison = "POISON lat:40.416775 long:-3.703790"
        var daemon = try await h.startDaemon(["--receive", mode], environment: Self.hooks)
        try h.simulation.send(from: Cast.bobTracker, text: poison)
        for crash in 1...2 {
            let status = await daemon.waitForExit(timeout: .seconds(20))
            #expect(status != nil && daemon.wasKilledBySignal, "crash \(crash) did not happen")
            // Storage mode: the message is still on the SIM. Direct mode: the network offers it
            // again, since nothing acknowledged it. The second run meets it during start-up and
            // may crash before it ever reports a ready modem, so only the third is waited for.
            daemon = try await h.startDaemon(["--receive", mode], waitUntilReady: crash == 2, environment: Self.hooks)
        }
        // The third run sets it aside and stays up; another customer's report goes through.
        let report = "lat:52.520008 long:13.404954 after the poison"
        try h.simulation.send(from: Cast.adaCar.number, text: report)
        #expect(await h.texts(of: Cast.adaPhones[0], including: [report]).contains(report))
        #expect(daemon.isRunning)
        #expect(await poll { (try? h.modemStatus())?["setAside"] as? Int == 1 })
        if mode == "storage" {
            #expect(h.simulation.storedMessages().contains { $0.sender == Cast.bobTracker }, "set aside means left on the SIM")
        }
        #expect(!h.inbox(of: Cast.bobPhone).contains { $0.text == poison })
        #expect(!h.log.contains("POISON") && !h.log.contains("40.416775"), "the log holds the poison's body")
        #expect(h.log.contains("message set aside"))
    }
}
