import Foundation
import Synchronization

/// How far the soak is: reports sent so far (the current step) and the clock they are timed on.
final class SendProgress: Sendable {
    private let origin = Mutex(ContinuousClock.now)
    private let sentCount = Atomic<Int>(0)

    /// Starts the plan's clock: report and event times are offsets from now.
    func begin() { origin.withLock { $0 = .now } }

    /// When the plan's offset `at` falls.
    func instant(at offset: Duration) -> ContinuousClock.Instant { origin.withLock { $0 } + offset }

    /// Reports handed to the network so far: the step an event happens at.
    var sent: Int { sentCount.load(ordering: .acquiring) }

    func didSend() { sentCount.add(1, ordering: .releasing) }

    /// Time since the plan's clock started.
    var elapsed: Duration { .now - origin.withLock { $0 } }

    /// `t+12.345 s, step 246`, for event lines.
    var stamp: String { "t+" + String(format: "%.3f", elapsed.seconds) + " s, step \(sent)" }

    /// Sleeps the calling thread until the plan's offset `at` (at once when it has passed).
    func sleep(until offset: Duration) {
        let wait = instant(at: offset) - .now
        if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
    }
}
