import Foundation
@_exported import MonotonicTime
@_exported import TrackerProfiles

/// A registered phone as the relay needs it: where to send, and whether it consented.
public struct PhoneRoute: Sendable, Equatable {
    public var phoneID: Int64
    public var customerID: Int64
    /// E.164 with a leading `+`.
    public var number: String
    /// False after the phone texted STOP, true again after START.
    public var consents: Bool

    public init(phoneID: Int64, customerID: Int64, number: String, consents: Bool) {
        self.phoneID = phoneID
        self.customerID = customerID
        self.number = number
        self.consents = consents
    }
}

/// A registered tracker with everything needed to command it and relay its reports.
public struct TrackerRoute: Sendable, Equatable {
    public var trackerID: Int64
    public var customerID: Int64
    public var number: String
    public var model: TrackerModel
    public var password: String
    public var label: String?
    /// Every phone of the tracker's customer (consenting or not).
    public var phones: [PhoneRoute]
    /// The gateway numbers (E.164) provisioning authorised on the tracker, in the order they were
    /// added to the registry: a command to the tracker goes out of a modem with one of these (issue #10).
    public var knownGatewayNumbers: [String]

    public init(trackerID: Int64, customerID: Int64, number: String, model: TrackerModel, password: String, label: String?, phones: [PhoneRoute],
                knownGatewayNumbers: [String] = []) {
        self.trackerID = trackerID
        self.customerID = customerID
        self.number = number
        self.model = model
        self.password = password
        self.label = label
        self.phones = phones
        self.knownGatewayNumbers = knownGatewayNumbers
    }
}

/// Who a sender is, found through the blind index.
public enum SenderRole: Sendable, Equatable {
    case tracker(TrackerRoute)
    /// A registered phone and the trackers of its (active) customer.
    case phone(PhoneRoute, trackers: [TrackerRoute])
    case unknown
}

/// The registry as the relay sees it. Synchronous: the relay asks on the modem's thread, and a
/// look-up in the embedded registry costs less than handing it anywhere (DESIGN.md "Threads").
public protocol SenderDirectory: Sendable {
    /// Looks a sender up by its number as the network gave it (E.164 or alphanumeric).
    func role(of sender: String) throws -> SenderRole
    /// Records STOP (`false`) or START (`true`) for a phone.
    func setConsent(phoneID: Int64, consents: Bool) throws
    /// Asks the gateways' shared ledger whether this gateway relays a tracker report (issue #11:
    /// one report delivered to two gateways reaches each phone once). A registry only one gateway
    /// uses answers `.mine(ticket: nil)` without any I/O.
    func claimRelay(of message: IncomingMessage) throws -> RelayClaim
    /// Marks a claimed report as done (relayed, or given up): another gateway's copy is then a duplicate.
    func markRelayed(_ ticket: RelayClaim.Ticket) throws
}

/// What the gateways' shared ledger says of one tracker report (issue #11).
public enum RelayClaim: Sendable, Equatable {
    /// A claim in the ledger: the report's keyed digest, never the report.
    public struct Ticket: Sendable, Equatable {
        public let digest: Data
        public init(digest: Data) { self.digest = digest }
    }

    /// This gateway relays it; `ticket` marks it done afterwards (nil: no ledger, one gateway).
    case mine(ticket: Ticket?)
    /// A gateway relayed it already: this copy is a duplicate.
    case relayed
    /// Another gateway is relaying it now: this copy is left for later (in storage, or refused in
    /// direct mode), and taken over if that gateway does not finish within the ledger's lease.
    case elsewhere
}

/// Where a received message lies in the modem's storage (memory and index), to free it once done.
public struct StoredSlot: Hashable, Sendable, Comparable {
    public var storage: String
    public var index: Int

    public init(storage: String, index: Int) {
        self.storage = storage
        self.index = index
    }

    public static func < (lhs: StoredSlot, rhs: StoredSlot) -> Bool {
        (lhs.storage, lhs.index) < (rhs.storage, rhs.index)
    }
}

/// One complete incoming SMS (concatenated parts already reassembled), as the relay sees it.
public struct IncomingMessage: Sendable, Equatable {
    /// E.164 with `+`, national digits, or an alphanumeric sender.
    public var sender: String
    public var text: String
    /// The body arrived in UCS-2; the relay sends it on in UCS-2.
    public var isUCS2: Bool
    /// The service-centre time stamp of the (first) part.
    public var timestamp: Date
    /// Concatenation reference, when the message came in parts.
    public var concatenationReference: Int?
    public var partCount: Int
    /// Where the parts are stored; empty when received directly (`+CMT`).
    public var storage: [StoredSlot]

    public init(sender: String, text: String, isUCS2: Bool, timestamp: Date, concatenationReference: Int?, partCount: Int, storage: [StoredSlot]) {
        self.sender = sender
        self.text = text
        self.isUCS2 = isUCS2
        self.timestamp = timestamp
        self.concatenationReference = concatenationReference
        self.partCount = partCount
        self.storage = storage
    }
}

/// Why the relay sends an SMS: a pool of modems picks the modem by it (DESIGN.md "Scale").
public enum SendPurpose: Sendable, Equatable {
    /// A tracker's report to a customer's phone: any healthy modem.
    case relay
    /// A fixed answer to a keyword: out of the modem that received the keyword.
    case reply
    /// A command to a tracker: out of a modem whose number the tracker obeys.
    case trackerCommand(knownNumbers: [String])
}

/// The modem a message came in on, as the relay sees it: send, free storage, and the thread the
/// relay's later work (retries) for this message runs on.
public protocol RelayPort: AnyObject, Sendable {
    /// Sends `text` (multipart when needed) and returns the message references, one per part.
    func send(text: String, to number: String, ucs2: Bool, purpose: SendPurpose) async throws -> [Int]
    /// Deletes a message's parts from the storage of the modem that received it.
    func deleteStored(_ slots: [StoredSlot]) async throws
    /// Gives the parts back without deleting them: the next sweep takes them again.
    func release(_ slots: [StoredSlot])
    /// Where the relay's tasks for this message run (the receiving modem's thread); nil: anywhere.
    var taskExecutor: (any TaskExecutor)? { get }
}

/// No modem can carry a send for this purpose now (none healthy, or none the tracker obeys).
public struct NoModemAvailable: Error, Equatable, CustomStringConvertible {
    public var purpose: SendPurpose

    public init(purpose: SendPurpose) {
        self.purpose = purpose
    }

    public var description: String {
        switch purpose {
        case .trackerCommand: "no healthy modem whose number the tracker obeys"
        case .relay, .reply: "no healthy modem"
        }
    }
}

/// The relay's time: monotonic, and sleeps a test can drive.
public protocol RelayClock: Sendable {
    var now: MonotonicInstant { get }
    func sleep(until deadline: MonotonicInstant) async throws
}
