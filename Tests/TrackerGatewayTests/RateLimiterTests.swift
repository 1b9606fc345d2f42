import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" — rate limits per tracker and per phone.
@Suite struct RateLimiterTests {
    typealias Instant = ManualClock.Instant
    let zero = MonotonicInstant(sinceOrigin: .zero)

    @Test(arguments: [(1, 1), (5, 20), (10, 30)])
    func letsTheBurstThroughThenRefuses(_ burst: Int, _ perHour: Int) {
        var limiter = RateLimiter<Int64, Instant>(limit: RateLimit(burst: burst, perHour: perHour))
        let allowed = (0..<(burst + 3)).filter { _ in limiter.allow(1, now: zero) }.count
        #expect(allowed == burst)
    }

    @Test func refillsOneTokenPerIntervalAndNoMoreThanTheBurst() {
        var limiter = RateLimiter<Int64, Instant>(limit: RateLimit(burst: 2, perHour: 30))
        let first = limiter.allow(1, now: zero)
        let second = limiter.allow(1, now: zero)
        let tooSoon = limiter.allow(1, now: zero.advanced(by: .seconds(119)))
        let refilled = limiter.allow(1, now: zero.advanced(by: .seconds(120)))
        let again = limiter.allow(1, now: zero.advanced(by: .seconds(120)))
        #expect(first && second)
        #expect(!tooSoon)
        #expect(refilled)
        #expect(!again)
        // A day later the bucket is full again, but holds no more than the burst.
        let later = zero.advanced(by: .seconds(86_400))
        let allowed = (0..<5).filter { _ in limiter.allow(1, now: later) }.count
        #expect(allowed == 2)
    }

    @Test func keysHaveTheirOwnBuckets() {
        var limiter = RateLimiter<Int64, Instant>(limit: RateLimit(burst: 1, perHour: 1))
        let first = limiter.allow(1, now: zero)
        let second = limiter.allow(1, now: zero)
        let otherKey = limiter.allow(2, now: zero)
        #expect(first && !second && otherKey)
    }

    @Test func aClockGoingBackwardsDoesNotRefill() {
        var limiter = RateLimiter<Int64, Instant>(limit: RateLimit(burst: 1, perHour: 3600))
        let later = zero.advanced(by: .seconds(100))
        let atLater = limiter.allow(1, now: later)
        let backAtZero = limiter.allow(1, now: zero)
        #expect(atLater && !backAtZero)
    }

    @Test func forgetsFullBucketsBeyondTheKeyBound() {
        var limiter = RateLimiter<Int64, Instant>(limit: RateLimit(burst: 1, perHour: 60), maximumKeys: 10)
        for key in 0..<10 { _ = limiter.allow(Int64(key), now: zero) }
        let later = zero.advanced(by: .seconds(3_600))
        _ = limiter.allow(100, now: later)
        #expect(limiter.trackedKeys == 1)
        // A forgotten key starts full, which is what its bucket held anyway.
        let forgottenKey = limiter.allow(3, now: later)
        #expect(forgottenKey)
    }
}
