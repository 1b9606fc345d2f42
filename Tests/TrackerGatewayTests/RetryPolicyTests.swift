import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" — retry in memory with exponential backoff, capped.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(initialDelay: .seconds(5), multiplier: 2, maximumDelay: .seconds(120), jitter: 0.5)

    @Test(arguments: [(1, 5), (2, 10), (3, 20), (4, 40), (5, 80), (6, 120), (7, 120), (1_000, 120), (Int.max, 120)])
    func doublesFromTheInitialDelayUpToTheCap(_ attempt: Int, _ seconds: Int) {
        #expect(policy.delay(beforeRetry: attempt) == .seconds(seconds))
    }

    @Test(arguments: [(0.0, 40_000), (0.5, 30_000), (0.999, 20_020)])
    func jitterShortensByTheDrawnFraction(_ unit: Double, _ milliseconds: Int) {
        #expect(policy.delay(beforeRetry: 4, unitRandom: unit) == .milliseconds(milliseconds))
    }

    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    @Test func jitterFromAGeneratorStaysWithinItsBounds() {
        var generator = SeededGenerator(state: 42)
        let delays = (0..<200).map { _ in policy.delay(beforeRetry: 3, using: &generator) }
        #expect(delays.allSatisfy { $0 > .seconds(10) && $0 <= .seconds(20) })
        #expect(Set(delays).count > 10, "no jitter drawn")
    }

    @Test func noJitterMeansTheSameDelayEveryTime() {
        var generator = SeededGenerator(state: 7)
        let exact = RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(8), jitter: 0)
        #expect((0..<10).allSatisfy { _ in exact.delay(beforeRetry: 2, using: &generator) == .seconds(2) })
    }
}
