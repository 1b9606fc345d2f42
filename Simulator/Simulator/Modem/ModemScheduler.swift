import Dispatch

/// Runs work after a delay: the virtual modem's radio, acknowledgement and fault timers.
///
/// Injected so tests can fire timers themselves instead of sleeping on the wall clock.
public protocol ModemScheduler: Sendable {
    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void)
}

/// The real-time scheduler: a Dispatch queue's `asyncAfter`.
public struct DispatchModemScheduler: ModemScheduler {
    private let queue: DispatchQueue

    public init(queue: DispatchQueue = DispatchQueue(label: "trackersim.modem.timers")) {
        self.queue = queue
    }

    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds)), execute: work)
    }
}
