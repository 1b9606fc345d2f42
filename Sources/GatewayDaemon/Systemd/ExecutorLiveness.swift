import ATModem
import Synchronization

/// Whether every modem thread still runs what is posted to it: a no-op goes to each
/// `ModemExecutor`, and the check passes only when all of them have run it by the deadline.
///
/// Issue 12: the watchdog pings only while every modem's thread is alive and turning. An idle
/// modem thread sleeps in `poll(2)` for minutes, so its turn counter standing still proves
/// nothing; a posted job wakes it, and a thread stuck in a blocking call never runs the job.
public enum ExecutorLiveness {
    /// The indices of the executors that did not run the no-op by `deadline`; empty when all did.
    public static func stuck<C: Clock>(_ executors: [ModemExecutor], deadline: C.Instant, clock: C) async -> [Int] where C.Duration == Duration {
        let probe = Probe(count: executors.count)
        let timer = Task {
            try? await clock.sleep(until: deadline, tolerance: nil)
            probe.finish()
        }
        for (index, executor) in executors.enumerated() {
            executor.execute { probe.answer(index) }
        }
        let stuck = await probe.result()
        timer.cancel()
        return stuck
    }

    /// Answers from the executors' threads and the timer, resolved once.
    private final class Probe: Sendable {
        private struct State {
            var missing: Set<Int>
            var finished = false
            var waiter: CheckedContinuation<[Int], Never>?
        }

        private let state: Mutex<State>

        init(count: Int) { state = Mutex(State(missing: Set(0..<count))) }

        func answer(_ index: Int) {
            let waiter: (CheckedContinuation<[Int], Never>, [Int])? = state.withLock { state in
                state.missing.remove(index)
                return state.missing.isEmpty ? takeResult(&state) : nil
            }
            waiter.map { $0.0.resume(returning: $0.1) }
        }

        func finish() {
            let waiter = state.withLock { state in takeResult(&state) }
            waiter.map { $0.0.resume(returning: $0.1) }
        }

        func result() async -> [Int] {
            await withCheckedContinuation { continuation in
                let ready: [Int]? = state.withLock { state in
                    if state.finished { return state.missing.sorted() }
                    if state.missing.isEmpty {
                        state.finished = true
                        return []
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }

        /// Marks the probe finished and hands out the waiter with what is missing, at most once.
        private func takeResult(_ state: inout State) -> (CheckedContinuation<[Int], Never>, [Int])? {
            guard !state.finished else { return nil }
            state.finished = true
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.missing.sorted())
        }
    }
}
