/// How many messages one sender may cause: a token bucket.
///
/// DESIGN.md "Receiving and relaying" — rate limits per tracker and per phone stop runaway
/// loops and SMS bills. `burst` messages may come at once; after that one token comes back
/// every `3600 / perHour` seconds.
public struct RateLimit: Sendable, Equatable {
    /// The bucket's size: how many messages may come back to back.
    public var burst: Int
    /// The sustained rate: tokens added per hour.
    public var perHour: Int

    public init(burst: Int, perHour: Int) {
        precondition(burst >= 1 && perHour >= 1, "a rate limit must let at least one message through")
        self.burst = burst
        self.perHour = perHour
    }
}

/// Token buckets per key (a tracker id, a phone id), as a pure value: callers pass `now`.
///
/// DESIGN.md "Receiving and relaying" (rate limits). Memory stays bounded: once more than
/// `maximumKeys` buckets are held, every bucket that has refilled completely is forgotten —
/// a full bucket and no bucket mean the same thing. Keys are registered senders only (unknown
/// senders never reach a limiter), so the live set is bounded by the registry.
public struct RateLimiter<Key: Hashable & Sendable, Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Instant
    }

    public let limit: RateLimit
    public let maximumKeys: Int
    private var buckets: [Key: Bucket] = [:]

    public init(limit: RateLimit, maximumKeys: Int = 10_000) {
        self.limit = limit
        self.maximumKeys = maximumKeys
    }

    /// How many keys hold a bucket now (for tests of the memory bound).
    public var trackedKeys: Int { buckets.count }

    /// Takes one token for `key`; false when its bucket is empty (the message must not pass).
    public mutating func allow(_ key: Key, now: Instant) -> Bool {
        var bucket = refilled(buckets[key], now: now)
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[key] = bucket
        if buckets.count > maximumKeys { forgetFullBuckets(now: now) }
        return allowed
    }

    private func refilled(_ bucket: Bucket?, now: Instant) -> Bucket {
        guard let bucket else { return Bucket(tokens: Double(limit.burst), updated: now) }
        // A clock that went backwards refills nothing rather than draining the bucket.
        let elapsed = max(0, bucket.updated.duration(to: now).fractionalSeconds)
        let tokens = min(Double(limit.burst), bucket.tokens + elapsed * Double(limit.perHour) / 3600)
        return Bucket(tokens: tokens, updated: max(bucket.updated, now))
    }

    private mutating func forgetFullBuckets(now: Instant) {
        let burst = Double(limit.burst)
        buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
    }
}

extension Duration {
    /// The duration as a number of seconds, fractions included.
    var fractionalSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
