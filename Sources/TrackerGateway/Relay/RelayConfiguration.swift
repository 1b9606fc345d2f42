/// Every knob of the relay, with the defaults trackerd runs with.
///
/// DESIGN.md "Receiving and relaying": maximum age, retry backoff, rate limits per tracker and
/// per phone, the bounded duplicate memory, and the gateway's own number it never relays to.
public struct RelayConfiguration: Sendable, Equatable {
    /// Every gateway number (E.164, the pool's SIMs): nothing is ever sent to one, and a message
    /// from one is dropped. The first is the gateway's own number of a one-modem gateway.
    public var gatewayNumbers: [String]
    public var ownNumber: String { gatewayNumbers.first ?? "" }
    /// A tracker message not accepted by every phone this long after the gateway received it
    /// is dropped and deleted. See `Relay` for why the age runs from the receipt.
    public var maximumAge: Duration
    public var retry: RetryPolicy
    /// Reports a tracker may have relayed (one per message, however many phones).
    public var trackerRateLimit: RateLimit
    /// Keyword messages a phone may send.
    public var phoneRateLimit: RateLimit
    public var duplicateCapacity: Int
    /// How long a message is remembered as seen; longer than `maximumAge` so that a message
    /// re-listed from storage during its own retries is still recognised.
    public var duplicateMaximumAge: Duration
    /// The position command of `generic` trackers.
    public var genericPositionCommand: String
    public var replies: RelayReplies

    public init(
        ownNumber: String,
        otherGatewayNumbers: [String] = [],
        maximumAge: Duration = .seconds(600),
        retry: RetryPolicy = RetryPolicy(),
        trackerRateLimit: RateLimit = RateLimit(burst: 10, perHour: 30),
        phoneRateLimit: RateLimit = RateLimit(burst: 5, perHour: 20),
        duplicateCapacity: Int = 4096,
        duplicateMaximumAge: Duration = .seconds(3600),
        genericPositionCommand: String = "WHERE#",
        replies: RelayReplies = RelayReplies()
    ) {
        self.gatewayNumbers = [ownNumber] + otherGatewayNumbers
        self.maximumAge = maximumAge
        self.retry = retry
        self.trackerRateLimit = trackerRateLimit
        self.phoneRateLimit = phoneRateLimit
        self.duplicateCapacity = duplicateCapacity
        self.duplicateMaximumAge = duplicateMaximumAge
        self.genericPositionCommand = genericPositionCommand
        self.replies = replies
    }
}

/// The fixed, short answers to keywords. None carries a location (DESIGN.md invariant 3).
public struct RelayReplies: Sendable, Equatable {
    public var help: String
    public var stopped: String
    public var started: String
    public var unknownLabel: String
    public var noTracker: String
    /// Followed by the customer's tracker labels, comma-separated.
    public var chooseTracker: String
    /// No modem the tracker obeys can send to it now.
    public var unreachable: String

    public init(
        help: String = "Send LOCATE or LOCATE <name> to get your tracker's position. STOP ends messages, START resumes.",
        stopped: String = "You will get no more messages. Send START to resume.",
        started: String = "Messages resumed. Send HELP for commands.",
        unknownLabel: String = "No tracker by that name.",
        noTracker: String = "No tracker is registered for you.",
        chooseTracker: String = "Which tracker? Send LOCATE and one of: ",
        unreachable: String = "Your tracker cannot be reached right now. Please try again later."
    ) {
        self.help = help
        self.stopped = stopped
        self.started = started
        self.unknownLabel = unknownLabel
        self.noTracker = noTracker
        self.chooseTracker = chooseTracker
        self.unreachable = unreachable
    }
}
