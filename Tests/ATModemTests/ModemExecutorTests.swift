import Synchronization
import TestSupport
import Testing
@testable import ATModem

/// Things done on an executor, in the order they happened, with whether each ran on its thread.
final class Trace: Sendable {
    private let entries = Mutex<[String]>([])
    func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
    func waitFor(_ count: Int) async -> [String] {
        _ = await poll(timeout: .seconds(10), every: .milliseconds(2)) { self.all.count >= count }
        return all
    }
}

/// An actor that lives on a modem executor, as `Modem` does.
actor ThreadBoundCounter {
    nonisolated let executor: ModemExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    var value = 0
    init(executor: ModemExecutor) { self.executor = executor }
    func increment() -> Bool {
        value += 1
        return executor.isCurrent
    }
}

@Suite struct ModemExecutorTests {
    @Test func workPostedFromAnotherThreadRunsInOrderOnTheExecutorsThread() async {
        let executor = ModemExecutor(name: "order")
        defer { executor.shutdown() }
        let trace = Trace()
        for number in 0..<200 {
            executor.execute { trace.add("\(number):\(executor.isCurrent)") }
        }
        let entries = await trace.waitFor(200)
        #expect(entries == (0..<200).map { "\($0):true" })
        #expect(!executor.isCurrent)
    }

    @Test func anActorOnTheExecutorRunsOnItsThreadAndAssumeIsolatedHoldsThere() async {
        let executor = ModemExecutor(name: "actor")
        defer { executor.shutdown() }
        let counter = ThreadBoundCounter(executor: executor)
        #expect(await counter.increment())
        let trace = Trace()
        executor.execute {
            let onThread = counter.assumeIsolated { counter in
                counter.value += 1
                return counter.executor.isCurrent
            }
            trace.add("assumed:\(onThread)")
        }
        #expect(await trace.waitFor(1) == ["assumed:true"])
        #expect(await counter.value == 2)
    }

    @Test func aTaskPreferringTheExecutorRunsItsNonisolatedCodeOnTheThread() async {
        let executor = ModemExecutor(name: "task")
        defer { executor.shutdown() }
        let onThread = await Task(executorPreference: executor) { executor.isCurrent }.value
        #expect(onThread)
    }

    @Test func timersFireAtTheirDeadlineOnTheInjectedTimeInDeadlineThenScheduleOrder() async {
        let time = ManualTimeSource()
        let executor = ModemExecutor(name: "timers", time: time)
        defer { executor.shutdown() }
        let trace = Trace()
        executor.schedule(after: .seconds(5)) { trace.add("5s-a") }
        executor.schedule(after: .seconds(2)) { trace.add("2s") }
        executor.schedule(after: .seconds(5)) { trace.add("5s-b") }
        let cancelled = executor.schedule(after: .seconds(3)) { trace.add("cancelled") }
        executor.cancel(cancelled)
        executor.execute { trace.add("now") }
        #expect(await trace.waitFor(1) == ["now"])
        time.advance(by: .seconds(1))
        executor.execute { trace.add("after 1s") }
        #expect(await trace.waitFor(2) == ["now", "after 1s"])
        time.advance(by: .seconds(4))
        #expect(await trace.waitFor(5) == ["now", "after 1s", "2s", "5s-a", "5s-b"])
    }

    @Test func sleepResumesWhenTimeComesAndThrowsWhenCancelled() async throws {
        let time = ManualTimeSource()
        let executor = ModemExecutor(name: "sleep", time: time)
        defer { executor.shutdown() }
        let trace = Trace()
        let sleeper = Task {
            try await executor.sleep(for: .seconds(60))
            trace.add("woke")
        }
        let cancelled = Task {
            do { try await executor.sleep(for: .seconds(60)) } catch { trace.add("cancelled") }
        }
        cancelled.cancel()
        #expect(await trace.waitFor(1) == ["cancelled"])
        // The sleeper's timer is armed once its task has run; advancing early would miss it.
        _ = await poll { trace.all.count == 1 }
        for _ in 0..<600 where trace.all.count < 2 {
            time.advance(by: .seconds(1))
            try await Task.sleep(for: .milliseconds(1))
        }
        try await sleeper.value
        #expect(trace.all == ["cancelled", "woke"])
    }

    @Test func bytesFromTheAttachedTransportReachTheHandlerOnTheThreadAndTheEndOnce() async {
        let executor = ModemExecutor(name: "bytes")
        defer { executor.shutdown() }
        let transport = ScriptedTransport()
        let trace = Trace()
        executor.attach(transport, onBytes: { bytes in trace.add("\(String(decoding: bytes, as: UTF8.self)):\(executor.isCurrent)") },
                        onClosed: { _ in trace.add("closed:\(executor.isCurrent)") })
        transport.inject("+CMTI: \"SM\",1\r\n")
        #expect(await trace.waitFor(1) == ["+CMTI: \"SM\",1\r\n:true"])
        transport.closing = true
        #expect(await trace.waitFor(2) == ["+CMTI: \"SM\",1\r\n:true", "closed:true"])
        transport.inject("late")
        executor.execute { trace.add("still running") }
        #expect(await trace.waitFor(3).last == "still running")
    }

    @Test func workPostedWhileTheThreadWaitsInARoundOfAnHourRunsAtOnce() async {
        let executor = ModemExecutor(name: "wake")
        defer { executor.shutdown() }
        let transport = ScriptedTransport()
        executor.attach(transport, onBytes: { _ in }, onClosed: { _ in })
        // Let it block in the transport's read (no timers: it waits up to an hour).
        try? await Task.sleep(for: .milliseconds(50))
        let trace = Trace()
        let started = ContinuousClock.now
        executor.execute { trace.add("ran") }
        #expect(await trace.waitFor(1) == ["ran"])
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func shutdownRunsWhatIsQueuedThenEndsAndIgnoresLaterWork() async {
        let executor = ModemExecutor(name: "shutdown")
        let trace = Trace()
        for number in 0..<50 { executor.execute { trace.add("\(number)") } }
        executor.shutdown()
        #expect(trace.all.count == 50)
        executor.execute { trace.add("after") }
        try? await Task.sleep(for: .milliseconds(20))
        #expect(trace.all.count == 50)
    }

    @Test func theTurnCountMovesWhileTheLoopTurns() async {
        let executor = ModemExecutor(name: "turns")
        defer { executor.shutdown() }
        let before = executor.turnCount
        let trace = Trace()
        executor.execute { trace.add("x") }
        _ = await trace.waitFor(1)
        #expect(executor.turnCount > before)
    }
}

@Suite struct TimerQueueTests {
    typealias Row = (scheduled: [(name: String, at: Int)], cancelled: [String], taken: [(now: Int, expected: [String])])

    static let rows: [Row] = [
        ([("a", 5), ("b", 1), ("c", 3)], [], [(0, []), (1, ["b"]), (10, ["c", "a"])]),
        ([("a", 2), ("b", 2), ("c", 2)], [], [(2, ["a", "b", "c"])]),
        ([("a", 2), ("b", 2), ("c", 2)], ["b"], [(2, ["a", "c"])]),
        ([("a", 1), ("b", 4)], ["a"], [(1, []), (4, ["b"])]),
        ([("a", 9), ("b", 8), ("c", 7), ("d", 6), ("e", 5)], ["c"], [(6, ["e", "d"]), (9, ["b", "a"])]),
    ]

    @Test(arguments: rows.indices)
    func dueTimersComeOutEarliestFirstAndCancelledOnesNever(_ row: Int) {
        var queue = TimerQueue<String>()
        var handles: [String: TimerQueue<String>.Handle] = [:]
        for (name, at) in Self.rows[row].scheduled {
            handles[name] = queue.schedule(at: MonotonicInstant(sinceOrigin: .seconds(at)), name)
        }
        for name in Self.rows[row].cancelled { queue.cancel(handles[name]!) }
        for (now, expected) in Self.rows[row].taken {
            #expect(queue.takeDue(now: MonotonicInstant(sinceOrigin: .seconds(now))) == expected, "at \(now)")
        }
        #expect(queue.count == 0)
        #expect(queue.nextDeadline() == nil)
    }

    @Test func theNextDeadlineSkipsCancelledTimers() {
        var queue = TimerQueue<Int>()
        let first = queue.schedule(at: MonotonicInstant(sinceOrigin: .seconds(1)), 1)
        queue.schedule(at: MonotonicInstant(sinceOrigin: .seconds(2)), 2)
        queue.cancel(first)
        queue.cancel(first)
        #expect(queue.nextDeadline() == MonotonicInstant(sinceOrigin: .seconds(2)))
        #expect(queue.count == 1)
    }
}
