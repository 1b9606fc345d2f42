import ATModem
import Foundation
import GatewayDaemon
import TestSupport
import Testing

/// The watchdog's test of the modem threads: a no-op posted to each must run by the deadline.
@Suite struct ExecutorLivenessTests {
    @Test func idleThreadsAnswerAtOnceWithoutTheClockMoving() async {
        let executors = (1...3).map { ModemExecutor(name: "idle \($0)") }
        defer { executors.forEach { $0.shutdown() } }
        let clock = ManualClock()
        let stuck = await ExecutorLiveness.stuck(executors, deadline: clock.now.advanced(by: .seconds(10)), clock: clock)
        #expect(stuck.isEmpty)
    }

    @Test func aWedgedThreadIsNamedOnceTheDeadlinePasses() async throws {
        let executors = (1...3).map { ModemExecutor(name: "wedge \($0)") }
        let release = DispatchSemaphore(value: 0)
        executors[1].execute { release.wait() }
        defer {
            release.signal()
            executors.forEach { $0.shutdown() }
        }
        let clock = ManualClock()
        let check = Task { await ExecutorLiveness.stuck(executors, deadline: clock.now.advanced(by: .seconds(10)), clock: clock) }
        // The answer waits for the clock: nothing is decided before the deadline.
        try #require(await poll { clock.pendingDeadlines.count == 1 })
        clock.advance(by: .seconds(9))
        clock.advance(by: .seconds(1))
        #expect(await check.value == [1])
    }

    @Test func noModemsMeansNothingIsStuck() async {
        let clock = ManualClock()
        #expect(await ExecutorLiveness.stuck([], deadline: clock.now, clock: clock).isEmpty)
    }
}
