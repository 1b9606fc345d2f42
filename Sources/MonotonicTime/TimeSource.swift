#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A point on a monotonic time line: how long after an arbitrary origin (boot, or a test's zero).
///
/// One concrete instant for the engine, the reassembler, the storage book and the executor's
/// timers, so nothing on the hot path is generic over a clock.
public struct MonotonicInstant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
    public var sinceOrigin: Duration

    public init(sinceOrigin: Duration) {
        self.sinceOrigin = sinceOrigin
    }

    public static let origin = MonotonicInstant(sinceOrigin: .zero)

    public func advanced(by duration: Duration) -> MonotonicInstant {
        MonotonicInstant(sinceOrigin: sinceOrigin + duration)
    }

    public func duration(to other: MonotonicInstant) -> Duration {
        other.sinceOrigin - sinceOrigin
    }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.sinceOrigin < rhs.sinceOrigin
    }

    public var description: String { "t+\(sinceOrigin)" }
}

/// Where a modem's thread reads the time: the system's monotonic clock, or a test's hand.
///
/// The executor blocks for `blockingWait(until:)` at most; a source that returns nil moves only
/// when told (`ManualTimeSource.advance`), and wakes the executors that wait on it then.
public protocol TimeSource: AnyObject, Sendable {
    var now: MonotonicInstant { get }
    /// How long a thread may block waiting for `deadline`; nil: until something wakes it.
    func blockingWait(until deadline: MonotonicInstant) -> Duration?
    /// Called once by each executor that runs on this source, so a manual source can wake it.
    func register(_ wake: @escaping @Sendable () -> Void)
}

/// CLOCK_MONOTONIC: setting the wall clock neither stretches nor cuts a wait.
public final class SystemTimeSource: TimeSource {
    public static let shared = SystemTimeSource()

    public init() {}

    public var now: MonotonicInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicInstant(sinceOrigin: .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec))
    }

    public func blockingWait(until deadline: MonotonicInstant) -> Duration? {
        max(.zero, now.duration(to: deadline))
    }

    public func register(_ wake: @escaping @Sendable () -> Void) {}
}

/// Time that moves only when a test says so; every executor on it re-reads its timers then.
public final class ManualTimeSource: TimeSource {
    private struct State {
        var now = MonotonicInstant.origin
        var waiters: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: MonotonicInstant { state.withLock { $0.now } }

    public func blockingWait(until deadline: MonotonicInstant) -> Duration? { nil }

    public func register(_ wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.waiters.append(wake) }
    }

    /// Moves time on and wakes every executor, which fires what has come due.
    public func advance(by duration: Duration) {
        let waiters = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            return state.waiters
        }
        for wake in waiters { wake() }
    }
}
