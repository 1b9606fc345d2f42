import ATModem
import TrackerGateway

/// The relay's clock: the modem threads' time, and sleeps that are timers of a modem thread —
/// the caller's own when it runs on one, so a retry wakes where its message lives.
struct ExecutorClock: RelayClock {
    let fallback: ModemExecutor

    var now: MonotonicInstant { fallback.time.now }

    func sleep(until deadline: MonotonicInstant) async throws {
        try await (ModemExecutor.current ?? fallback).sleep(until: deadline)
    }
}
