import Foundation

/// A whole message put together from its parts.
public struct ReassembledMessage<Token: Sendable>: Sendable {
    public var originator: PhoneAddress
    /// Service-centre timestamp of part 1.
    public var timestamp: ServiceCentreTimestamp
    public var body: MessageBody
    /// Alphabet of part 1.
    public var alphabet: Alphabet
    /// Message class of part 1 (class 0 = flash).
    public var messageClass: MessageClass?
    public var partCount: Int
    /// Nil for a message that was never concatenated.
    public var concatenationReference: Int?
    /// Tokens of every part in arrival order, duplicates included, so the caller can delete
    /// them all from modem storage.
    public var tokens: [Token]
    /// Some part's TP-UDL promised more data than it held: the body is what arrived.
    public var isUserDataShort: Bool = false
    /// What tells each part apart from any other, in part order; empty for a single-part message.
    public var partMarks: [PartMark] = []

    /// The text, or nil for binary data.
    public var text: String? { body.text }

    /// What identifies this message if the network delivers it again: same sender, same
    /// part-1 timestamp, same concatenation reference (DESIGN "relayed once").
    public var identity: MessageIdentity {
        MessageIdentity(originator: originator, timestamp: timestamp, concatenationReference: concatenationReference)
    }
}

/// One part of a concatenated message as the network stamped it: the TS 23.040 §9.2.3.24.1 key
/// (originator, reference, total) with the part's number and its own service-centre time stamp.
/// Equal for a copy of that part read again from storage or delivered again; holds no content.
public struct PartMark: Hashable, Sendable {
    public var originator: PhoneAddress
    public var reference: Int
    public var uses16BitReference: Bool
    public var total: Int
    public var part: Int
    public var timestamp: ServiceCentreTimestamp

    public init(originator: PhoneAddress, reference: Int, uses16BitReference: Bool, total: Int, part: Int, timestamp: ServiceCentreTimestamp) {
        self.originator = originator
        self.reference = reference
        self.uses16BitReference = uses16BitReference
        self.total = total
        self.part = part
        self.timestamp = timestamp
    }
}

extension SMSDeliver {
    /// Nil for a message that is not one part of several.
    public var partMark: PartMark? {
        guard let info = concatenation, info.total > 1 else { return nil }
        return PartMark(originator: originator, reference: info.reference, uses16BitReference: info.uses16BitReference,
                        total: info.total, part: info.part, timestamp: serviceCentreTimestamp)
    }
}

/// Sender, service-centre timestamp and concatenation reference: equal for a redelivered message.
public struct MessageIdentity: Hashable, Sendable {
    public var originator: PhoneAddress
    public var timestamp: ServiceCentreTimestamp
    public var concatenationReference: Int?

    public init(originator: PhoneAddress, timestamp: ServiceCentreTimestamp, concatenationReference: Int?) {
        self.originator = originator
        self.timestamp = timestamp
        self.concatenationReference = concatenationReference
    }
}

extension ReassembledMessage: Equatable where Token: Equatable {}
extension ReassembledMessage: Hashable where Token: Hashable {}

/// What adding a part (or the passing of time) produced.
public enum ReassemblyEvent<Token: Sendable>: Sendable {
    /// Every part is in (a single-part message completes at once).
    case complete(ReassembledMessage<Token>)
    /// A part already held arrived again; delete it from storage.
    case duplicate(Token)
    /// The buffer was full; this unfinished message was dropped to make room.
    case evicted(tokens: [Token])
    /// This unfinished message waited longer than the maximum age.
    case expired(tokens: [Token])
}

extension ReassemblyEvent: Equatable where Token: Equatable {}
extension ReassemblyEvent: Hashable where Token: Hashable {}

/// Puts concatenated SMS-DELIVER parts back together, in any order.
///
/// TS 23.040 §9.2.3.24.1 — parts of one message share originator, reference and total.
/// The buffer holds at most `capacity` unfinished messages (the oldest is evicted) and
/// drops any older than `maxAge`; time only comes in as `now`, so it is testable and
/// never reads a clock.
///
/// An 8-bit reference repeats every 256 messages, so a lone part (its sibling deleted, or lost
/// at a crash between two deletes, and read again from the SIM) can meet a later message's part
/// with the same reference. Parts of one message are stamped by the SMSC within moments of each
/// other; parts whose service-centre time stamps lie more than `maximumSpread` apart belong to
/// different messages and are never joined (found by the soak run: part 1 of one report joined
/// with a lone part 2 of another).
public struct Reassembler<Token: Sendable, Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    private struct Key: Hashable {
        var originator: PhoneAddress
        var reference: Int
        var total: Int
        var uses16BitReference: Bool
        /// Which of several messages with this reference: the sequence of the group's first part.
        var generation: UInt64
    }

    private struct Pending {
        var parts: [SMSDeliver?]
        var received = 0
        var tokens: [Token] = []
        let firstSeen: Instant
        let sequence: UInt64
        /// The service-centre time stamp of the group's first part.
        let stamped: Date
    }

    public let capacity: Int
    public let maxAge: Duration
    /// The widest gap between two parts' SCTS that still makes them one message.
    public let maximumSpread: Duration
    private var pending: [Key: Pending] = [:]
    private var nextSequence: UInt64 = 0

    public init(capacity: Int = 64, maxAge: Duration = .seconds(600), maximumSpread: Duration = .seconds(60)) {
        precondition(capacity >= 1, "a reassembly buffer needs room for one message")
        self.capacity = capacity
        self.maxAge = maxAge
        self.maximumSpread = maximumSpread
    }

    /// Unfinished messages currently held.
    public var pendingCount: Int { pending.count }

    /// Adds one received part. Also expires what is older than `maxAge` at `now`.
    public mutating func add(_ deliver: SMSDeliver, token: Token, now: Instant) -> [ReassemblyEvent<Token>] {
        var events = expire(now: now)
        guard let info = deliver.concatenation, info.total > 1 else {
            events.append(.complete(Self.assemble([deliver], tokens: [token], reference: nil)))
            return events
        }
        let stamped = deliver.serviceCentreTimestamp.date
        let spread = Double(maximumSpread.components.seconds)
        // The group with this reference whose first part was stamped close enough to this one.
        let existingKey = pending.first { key, group in
            key.originator == deliver.originator && key.reference == info.reference && key.total == info.total
                && key.uses16BitReference == info.uses16BitReference && abs(group.stamped.timeIntervalSince(stamped)) <= spread
        }?.key
        let key = existingKey ?? Key(originator: deliver.originator, reference: info.reference, total: info.total,
                                     uses16BitReference: info.uses16BitReference, generation: nextSequence)
        var group: Pending
        if let existingKey, let existing = pending[existingKey] {
            group = existing
        } else {
            if pending.count >= capacity, let oldest = pending.min(by: { $0.value.sequence < $1.value.sequence }) {
                pending[oldest.key] = nil
                events.append(.evicted(tokens: oldest.value.tokens))
            }
            group = Pending(parts: Array(repeating: nil, count: info.total), firstSeen: now, sequence: nextSequence, stamped: stamped)
            nextSequence += 1
        }
        group.tokens.append(token)
        if group.parts[info.part - 1] != nil {
            pending[key] = group
            events.append(.duplicate(token))
            return events
        }
        group.parts[info.part - 1] = deliver
        group.received += 1
        if group.received == info.total {
            pending[key] = nil
            events.append(.complete(Self.assemble(group.parts.compactMap { $0 }, tokens: group.tokens, reference: info.reference)))
        } else {
            pending[key] = group
        }
        return events
    }

    /// Drops unfinished messages whose first part arrived `maxAge` or more before `now`, oldest first.
    public mutating func expire(now: Instant) -> [ReassemblyEvent<Token>] {
        let stale = pending.filter { $0.value.firstSeen.duration(to: now) >= maxAge }
        guard !stale.isEmpty else { return [] }
        return stale.sorted { $0.value.sequence < $1.value.sequence }.map { entry in
            pending[entry.key] = nil
            return .expired(tokens: entry.value.tokens)
        }
    }

    private static func assemble(_ parts: [SMSDeliver], tokens: [Token], reference: Int?) -> ReassembledMessage<Token> {
        let first = parts[0]
        let body: MessageBody
        if parts.allSatisfy({ $0.dataCoding.alphabet == .eightBit }) {
            // 8-bit parts are judged as a whole: a UTF-8 character may be split across two parts.
            let bytes = parts.flatMap(\.body.octets)
            let mayBeText = EightBitText.mayCarryText(coding: first.dataCoding, protocolIdentifier: first.protocolIdentifier, header: first.userDataHeader)
            body = mayBeText ? EightBitText.text(bytes).map(MessageBody.text) ?? .binary(bytes) : .binary(bytes)
        } else if parts.allSatisfy({ $0.body.text != nil }) {
            body = .text(parts.map { $0.body.text! }.joined())
        } else {
            body = .binary(parts.flatMap(\.body.octets))
        }
        return ReassembledMessage(
            originator: first.originator, timestamp: first.serviceCentreTimestamp, body: body,
            alphabet: first.dataCoding.alphabet, messageClass: first.dataCoding.messageClass,
            partCount: parts.count, concatenationReference: reference, tokens: tokens,
            isUserDataShort: parts.contains(where: \.isUserDataShort), partMarks: parts.compactMap(\.partMark))
    }
}

extension MessageBody {
    /// The bytes as carried in 8-bit data: binary as is, text as UTF-8.
    var octets: [UInt8] {
        switch self {
        case .binary(let bytes): bytes
        case .text(let text): Array(text.utf8)
        }
    }
}
