import Foundation

/// What makes two deliveries the same message: sender, SCTS, concatenation reference, parts.
///
/// DESIGN.md "Receiving and relaying" — the same message delivered twice (same sender,
/// timestamp, concatenation reference) is relayed once. The part count is part of it too, so
/// two different messages that happen to share a reference are not confused, and so is a hash
/// of the body: the SCTS has one-second resolution, and a tracker may send an alarm and a
/// report within the same second. The hash is the process-seeded `Hasher`, held in RAM only.
public struct MessageIdentity: Hashable, Sendable {
    public var sender: String
    public var timestamp: Date
    public var concatenationReference: Int?
    public var partCount: Int
    public var contentHash: Int

    public init(sender: String, timestamp: Date, concatenationReference: Int?, partCount: Int, contentHash: Int = 0) {
        self.sender = sender
        self.timestamp = timestamp
        self.concatenationReference = concatenationReference
        self.partCount = partCount
        self.contentHash = contentHash
    }

    public init(_ message: IncomingMessage) {
        var hasher = Hasher()
        hasher.combine(message.text)
        hasher.combine(message.isUCS2)
        self.init(
            sender: message.sender, timestamp: message.timestamp, concatenationReference: message.concatenationReference,
            partCount: message.partCount, contentHash: hasher.finalize()
        )
    }
}

/// A bounded in-RAM memory of the messages already seen, as a pure value: callers pass `now`.
///
/// DESIGN.md "Receiving and relaying" — the memory of what was seen is in RAM only and bounded:
/// at most `capacity` identities, none older than `maximumAge`; the oldest go first.
public struct DuplicateFilter<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public let capacity: Int
    public let maximumAge: Duration
    private var seenAt: [MessageIdentity: Instant] = [:]
    /// Insertion order; entries whose instant no longer matches `seenAt` are stale and skipped.
    private var order: [(identity: MessageIdentity, instant: Instant)] = []
    private var head = 0

    public init(capacity: Int, maximumAge: Duration) {
        precondition(capacity >= 1, "a duplicate filter must remember at least one message")
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// How many identities are remembered now.
    public var count: Int { seenAt.count }

    /// Whether `identity` was seen within `maximumAge` before `now`.
    public func contains(_ identity: MessageIdentity, now: Instant) -> Bool {
        guard let seen = seenAt[identity] else { return false }
        return seen.duration(to: now) <= maximumAge
    }

    /// Remembers `identity` as seen at `now`, forgetting the expired and, beyond capacity, the oldest.
    public mutating func record(_ identity: MessageIdentity, now: Instant) {
        evict(now: now, room: seenAt[identity] == nil ? 1 : 0)
        seenAt[identity] = now
        order.append((identity, now))
    }

    /// True when `identity` was already seen; otherwise records it and returns false.
    public mutating func checkAndRecord(_ identity: MessageIdentity, now: Instant) -> Bool {
        if contains(identity, now: now) { return true }
        record(identity, now: now)
        return false
    }

    /// Forgets `identity`, so a later delivery is handled as new (a relay that was abandoned).
    public mutating func forget(_ identity: MessageIdentity) {
        seenAt[identity] = nil
    }

    private mutating func evict(now: Instant, room: Int) {
        while head < order.count {
            let oldest = order[head]
            let live = seenAt[oldest.identity] == oldest.instant
            if live, oldest.instant.duration(to: now) <= maximumAge, seenAt.count + room <= capacity {
                break
            }
            if live { seenAt[oldest.identity] = nil }
            head += 1
        }
        // Keep the order array from growing without bound: drop the consumed prefix and the
        // stale entries left by `forget` and re-recording.
        if (head > 64 && head * 2 > order.count) || order.count - head > capacity * 2 {
            order = order[head...].filter { seenAt[$0.identity] == $0.instant }
            head = 0
        }
    }
}
