import ATModem
import Foundation
import GatewayDaemon
import Simulator
import TestSupport
import Testing

/// Issue #8 item 3, on the daemon built in-process with its modem thread on a manual clock:
/// idle like a sleeping modem — at most one AT command line a minute — and still each kind of
/// trouble is noticed within five minutes.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct IdleHealthTests {
    @Test func fiveIdleMinutesCostAtMostFiveCommandLines() async throws {
        let gateway = try InProcessGateway()
        try await gateway.start()
        let before = gateway.simulation.modem.commandLinesAnswered
        _ = await gateway.advance(by: .seconds(300))
        let lines = gateway.simulation.modem.commandLinesAnswered - before
        #expect(lines <= 5, "\(lines) command lines in five idle minutes")
        #expect(lines >= 1, "no health probe in five minutes: a dead modem would go unnoticed")
        #expect(await gateway.modem().healthProbes >= 1)
        await gateway.stop()
    }

    enum Trouble: String, CaseIterable, CustomStringConvertible {
        /// The modem stops answering anything.
        case deadModem
        /// The SIM was reset and asks for its PIN again.
        case simAsksForItsPIN
        /// A message's `+CMTI` was lost to line noise.
        case lostIndication
        var description: String { rawValue }
    }

    @Test(arguments: Trouble.allCases)
    func troubleIsNoticedWithinFiveMinutes(_ trouble: Trouble) async throws {
        let gateway = try InProcessGateway()
        try await gateway.start()
        // Time passes idle first, so the trouble does not start just after a probe.
        _ = await gateway.advance(by: .seconds(60))
        let noticed: () async -> Bool
        switch trouble {
        case .deadModem:
            gateway.simulation.inject(.hang(.seconds(3_600)))
            // Noticed: the modem is given up and re-opened (its last error then is the re-open's).
            noticed = { await gateway.modem().reopens >= 1 }
        case .simAsksForItsPIN:
            gateway.simulation.inject(.pinLocked)
            noticed = { await gateway.modem().reopens >= 1 }
        case .lostIndication:
            gateway.simulation.inject(.garble(count: 1))
            try gateway.simulation.send(from: InProcessGateway.tracker, text: "lat:52.520008 long:13.404954 lost")
            _ = await poll { gateway.simulation.storedMessages().count == 1 }
            noticed = { gateway.simulation.inbox(of: InProcessGateway.phone)?.count == 1 }
        }
        let took = await gateway.advance(by: .seconds(300), step: .seconds(5), until: noticed)
        let state = await gateway.modem()
        #expect(await noticed(), "not noticed in five minutes: \(state)")
        #expect(took <= .seconds(300))
        await gateway.stop()
    }
}
