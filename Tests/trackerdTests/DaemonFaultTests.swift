import Foundation
import Simulator
import TestSupport
import Testing

/// Every fault the simulated modem can show, survived by the real daemon with nothing lost:
/// a report sent before, one sent during and one sent after the fault all reach the phone, and
/// storage ends empty. The daemon probes the modem's health every second.
@Suite(.timeLimit(.minutes(1)))
struct DaemonFaultTests {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case drop, cmsError = "cms-error", hang, garble, urcNoise = "urc-noise", storageFull = "storage-full", pinLocked = "pin-locked"
        var description: String { rawValue }
    }

    static let pin = "2468"

    @Test(arguments: Kind.allCases)
    func theDaemonSurvivesTheFaultAndLosesNoMessage(_ kind: Kind) async throws {
        let h = try DaemonHarness(pin: kind == .pinLocked ? Self.pin : nil)
        defer { h.shutDown() }
        try await h.startDaemon(["--health-probe-seconds", "1", "--pin", Self.pin])
        let before = "lat:40.100001 long:-3.100001 before \(kind)"
        let during = "lat:40.200002 long:-3.200002 during \(kind)"
        let after = "lat:40.300003 long:-3.300003 after \(kind)"

        try h.simulation.send(from: Cast.bobTracker, text: before)
        try #require(await h.inbox(of: Cast.bobPhone, count: 1).map(\.text) == [before])

        switch kind {
        case .drop:
            h.simulation.inject(.drop(reopenAfter: .milliseconds(700)))
            try h.simulation.send(from: Cast.bobTracker, text: during)
        case .cmsError:
            // Enough failures to hit the read, the send and the delete of the next message.
            h.simulation.inject(.cmsError(count: 3, code: 500))
            try h.simulation.send(from: Cast.bobTracker, text: during)
        case .hang:
            h.simulation.inject(.hang(.seconds(2)))
            try h.simulation.send(from: Cast.bobTracker, text: during)
        case .garble:
            h.simulation.inject(.garble(count: 4))
            try h.simulation.send(from: Cast.bobTracker, text: during)
        case .urcNoise:
            h.simulation.inject(.urcNoise(count: 6))
            try h.simulation.send(from: Cast.bobTracker, text: during)
        case .storageFull:
            h.simulation.inject(.storageFull)
            try h.simulation.send(from: Cast.bobTracker, text: during)
            // The fault is lifted once the network has been turned away at least once.
            #expect(await poll { h.simulation.statistics.refusedDeliveries > 0 })
            h.simulation.liftStorageFull()
        case .pinLocked:
            h.simulation.inject(.pinLocked)
            try h.simulation.send(from: Cast.bobTracker, text: during)
        }
        let afterFault = await h.texts(of: Cast.bobPhone, including: [before, during], timeout: .seconds(30))
        #expect(afterFault == [before, during], "log:\n\(h.log.suffix(4000))")

        try h.simulation.send(from: Cast.bobTracker, text: after)
        let texts = await h.texts(of: Cast.bobPhone, including: [before, during, after], timeout: .seconds(30))
        #expect(texts == [before, during, after], "log:\n\(h.log.suffix(4000))")
        #expect(await h.waitForEmptyStorage(), "left in storage: \(h.simulation.storedMessages())")
        #expect(h.daemon?.isRunning == true)
        // Faults are logged as metadata: never the PIN, a body or a full number.
        let leaks = ByteScan.hits(of: [Self.pin, "-3.200002", Cast.bobTracker, Cast.bobPhone, Cast.gateway], in: [h.logURL])
        #expect(leaks.isEmpty, "log holds \(leaks.map(\.needle))")
    }
}
