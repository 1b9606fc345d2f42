import Foundation

/// How long to wait before the next try of a relay that some destination refused.
///
/// DESIGN.md "Receiving and relaying" — retry in memory with backoff on failure. Pure: attempt
/// number in, delay out. The delay doubles (by `multiplier`) from `initialDelay` up to
/// `maximumDelay`; jitter, when asked for, shortens it by up to `jitter` × delay using the
/// caller's random number, so retries from many messages do not line up.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maximumDelay: Duration
    /// Fraction of the delay (0...1) that jitter may take off; 0 means none.
    public var jitter: Double

    public init(initialDelay: Duration = .seconds(5), multiplier: Double = 2, maximumDelay: Duration = .seconds(120), jitter: Double = 0.2) {
        precondition(initialDelay > .zero && maximumDelay >= initialDelay, "retry delays must be positive and capped above the first")
        precondition(multiplier >= 1 && (0...1).contains(jitter), "multiplier ≥ 1, jitter within 0...1")
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (1 for the first retry), without jitter.
    public func delay(beforeRetry attempt: Int) -> Duration {
        delay(beforeRetry: attempt, unitRandom: 0)
    }

    /// The delay before retry number `attempt`, shortened by `jitter × unitRandom` (0 ≤ unitRandom < 1).
    public func delay(beforeRetry attempt: Int, unitRandom: Double) -> Duration {
        precondition(attempt >= 1, "retries are numbered from 1")
        let initial = initialDelay.fractionalSeconds
        let cap = maximumDelay.fractionalSeconds
        // Exponent capped so a long outage cannot overflow to infinity before the cap applies.
        let grown = initial * Foundation.pow(multiplier, Double(min(attempt - 1, 64)))
        let capped = min(cap, grown)
        let random = min(max(unitRandom, 0), 1)
        return .milliseconds(Int64((capped * (1 - jitter * random) * 1000).rounded()))
    }

    /// The delay before retry number `attempt`, with jitter drawn from `generator`.
    public func delay(beforeRetry attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        delay(beforeRetry: attempt, unitRandom: jitter == 0 ? 0 : Double.random(in: 0..<1, using: &generator))
    }
}
