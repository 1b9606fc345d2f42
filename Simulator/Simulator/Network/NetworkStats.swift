/// What the network has carried so far; the control socket's `{"op":"stats"}`.
public struct NetworkStats: Sendable, Equatable, Codable {
    /// SUBMIT PDUs the modem handed over (`+CMGS`), one per part.
    public var submittedParts = 0
    /// Whole messages the modem sent, after reassembly.
    public var submittedMessages = 0
    /// Whole messages that reached a phone's inbox (from the modem or from a tracker).
    public var phoneMessages = 0
    /// Whole messages from the modem that reached a tracker.
    public var trackerCommands = 0
    /// Replies, reports and alarms trackers sent.
    public var trackerReplies = 0
    /// Messages to numbers nobody registered; accepted and lost, as on a real network.
    public var undeliverable = 0
    /// DELIVER PDUs the modem took (stored or forwarded).
    public var deliveredParts = 0
    /// Times the modem refused a DELIVER (storage full, off the air, SIM locked).
    public var refusedDeliveries = 0
    /// DELIVER PDUs waiting for the modem to take them.
    public var pendingDeliveries = 0
    /// Status reports handed to the modem.
    public var statusReports = 0

    public init() {}
}
