/// What the relay did since start, as a snapshot for `trackerd status`: counts only, no PII.
///
/// DESIGN.md "Processes" (status file without PII) and invariant 6 (metadata only).
public struct RelayCounters: Sendable, Equatable, Codable {
    /// Tracker messages accepted by every consenting phone, then deleted.
    public var relayed = 0
    /// SMS the modem accepted: relays, keyword replies and tracker commands.
    public var deliveredSends = 0
    /// SMS the modem refused.
    public var failedSends = 0
    /// Retry rounds run for relays some phone had refused.
    public var retries = 0
    /// Tracker messages dropped (and deleted) because they grew older than the maximum age.
    public var droppedExpired = 0
    /// Messages from numbers that are neither a tracker nor a phone; deleted unread.
    public var unknownSenders = 0
    /// Messages over a tracker's or a phone's rate limit; deleted, not relayed.
    public var rateLimited = 0
    /// Second deliveries of a message already seen; deleted, not relayed again.
    public var duplicates = 0
    /// Messages from registered phones (LOCATE, STOP, START, HELP or anything else).
    public var keywords = 0
    /// Position commands sent to trackers.
    public var commandsSent = 0
    /// Fixed replies sent to phones.
    public var repliesSent = 0
    /// Tracker messages with no phone to go to (all opted out); deleted.
    public var undeliverable = 0
    /// Messages that came from the gateway's own number; deleted.
    public var ownNumberLoops = 0
    /// Sender look-ups or consent updates the registry failed; left in storage.
    public var registryFailures = 0
    /// Deletes the modem refused; the message is deleted when it is listed again.
    public var deleteFailures = 0
    /// Keyword replies and tracker commands refused until their maximum age, then given up.
    public var sendsGivenUp = 0
    /// LOCATEs answered "cannot be reached" because no modem the tracker obeys was healthy.
    public var trackerUnreachable = 0
    /// Relays waiting for a retry now (a gauge, not a count).
    public var pendingRetries = 0
    /// How long relays took from the message's receipt to the last phone's acceptance, as a
    /// histogram: `relayDurationBuckets[i]` counts relays of at most `relayDurationBounds[i]`
    /// seconds (cumulative, as Prometheus has it); the last bucket is +Inf.
    public var relayDurationBuckets = Array(repeating: 0, count: RelayCounters.relayDurationBounds.count + 1)
    public var relayDurationSum: Double = 0
    public var relayDurationCount = 0

    /// Upper bounds in seconds: a relay on a quiet modem is milliseconds of our own plus the
    /// network's seconds per send; retries make minutes.
    public static let relayDurationBounds: [Double] = [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600]

    public init() {}

    /// Counts one relay of `seconds`.
    mutating func recordRelayDuration(_ seconds: Double) {
        relayDurationCount += 1
        relayDurationSum += seconds
        for (position, bound) in Self.relayDurationBounds.enumerated() where seconds <= bound {
            relayDurationBuckets[position] += 1
        }
        relayDurationBuckets[Self.relayDurationBounds.count] += 1
    }
}
