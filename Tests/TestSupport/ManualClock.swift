import Foundation
import MonotonicTime

/// A clock that moves only when a test says so; sleepers wake when it passes their deadline.
public final class ManualClock: Clock, @unchecked Sendable {
    public typealias Instant = MonotonicInstant

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()

    public init() {}
    private var current = MonotonicInstant.origin
    private var sleepers: [Int: Sleeper] = [:]
    private var cancelledBeforeSleeping: Set<Int> = []
    private var nextSleeperID = 0
    private var sleeperWaiters: [(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public var now: Instant { lock.withLock { current } }
    public var minimumResolution: Duration { .zero }

    /// Deadlines of everyone asleep now, earliest first.
    public var pendingDeadlines: [Instant] { lock.withLock { sleepers.values.map(\.deadline).sorted() } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id: Int = lock.withLock {
            nextSleeperID += 1
            return nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, cancelled, waiters): (Bool, Bool, [CheckedContinuation<Void, Never>]) = lock.withLock {
                    if cancelledBeforeSleeping.remove(id) != nil { return (false, true, []) }
                    if deadline <= current { return (true, false, []) }
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, false, takeSatisfiedWaiters())
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if resumeNow { continuation.resume() }
                for waiter in waiters { waiter.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = lock.withLock {
                if let sleeper = sleepers.removeValue(forKey: id) { return sleeper }
                cancelledBeforeSleeping.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = lock.withLock {
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.value.deadline <= current }
            for id in due.keys { sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func advance(to instant: Instant) {
        advance(by: now.duration(to: instant))
    }

    /// Returns once at least `count` tasks sleep on this clock, or when the test is cancelled
    /// (its time limit), so a broken relay fails the test instead of hanging it.
    public func waitForSleepers(count: Int) async {
        let id: Int = lock.withLock {
            nextSleeperID += 1
            return nextSleeperID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready: Bool = lock.withLock {
                    if sleepers.count >= count || Task.isCancelled { return true }
                    sleeperWaiters.append((id, count, continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
                guard let index = sleeperWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return sleeperWaiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    private func takeSatisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
        let satisfied = sleeperWaiters.filter { $0.count <= sleepers.count }
        sleeperWaiters.removeAll { $0.count <= sleepers.count }
        return satisfied.map(\.continuation)
    }
}

