/// Who the modem says it is (`+CGMI`, `+CGMM`, `+CGMR`, `+CGSN`).
public struct ModemIdentity: Sendable, Equatable, Codable {
    public var manufacturer: String
    public var model: String
    public var revision: String
    public var imei: String

    public init(manufacturer: String, model: String, revision: String, imei: String) {
        self.manufacturer = manufacturer
        self.model = model
        self.revision = revision
        self.imei = imei
    }
}

/// Received signal strength, TS 27.007 §8.5 `+CSQ: <rssi>,<ber>`.
public struct SignalQuality: Sendable, Equatable, Codable {
    /// 0…31, or 99 when unknown.
    public var rssi: Int
    public var bitErrorRate: Int

    public init(rssi: Int, bitErrorRate: Int) {
        self.rssi = rssi
        self.bitErrorRate = bitErrorRate
    }

    /// dBm for a known rssi: −113 + 2·rssi.
    public var dBm: Int? { (0...31).contains(rssi) ? -113 + 2 * rssi : nil }
}

/// Network registration, TS 27.007 §7.2 `+CREG` `<stat>`.
public enum RegistrationStatus: Int, Sendable, Equatable, Codable {
    case notSearching = 0
    case home = 1
    case searching = 2
    case denied = 3
    case unknown = 4
    case roaming = 5

    /// Whether SMS can be sent and received.
    public var isRegistered: Bool { self == .home || self == .roaming }

    public var name: String {
        switch self {
        case .notSearching: return "not-registered"
        case .home: return "home"
        case .searching: return "searching"
        case .denied: return "denied"
        case .unknown: return "unknown"
        case .roaming: return "roaming"
        }
    }
}

/// Message storage occupancy, TS 27.005 §3.2.2 `+CPMS`.
public struct StorageStatus: Sendable, Equatable, Codable {
    public var storage: String
    public var used: Int
    public var total: Int

    public init(storage: String, used: Int, total: Int) {
        self.storage = storage
        self.used = used
        self.total = total
    }

    public var isFull: Bool { total > 0 && used >= total }
}

/// One message read from modem storage, decoded; TS 27.005 §3.4.2 `<stat>`.
public struct StoredSMS: Sendable, Equatable {
    public enum Status: Int, Sendable, Equatable {
        case receivedUnread = 0
        case receivedRead = 1
        case storedUnsent = 2
        case storedSent = 3
    }

    public var slot: StorageSlot
    public var status: Status?
    public var pdu: ModemPDU
    /// The PDU as the modem printed it (the crash journal recognises a message by it).
    public var hex: String

    public init(slot: StorageSlot, status: Status?, pdu: ModemPDU, hex: String = "") {
        self.slot = slot
        self.status = status
        self.pdu = pdu
        self.hex = hex
    }
}

/// A complete incoming SMS: every concatenated part, reassembled, with where its parts are stored.
public struct ReceivedSMS: Sendable, Equatable {
    public var sender: PhoneAddress
    public var body: MessageBody
    public var alphabet: Alphabet
    public var timestamp: ServiceCentreTimestamp
    public var messageClass: MessageClass?
    public var concatenationReference: Int?
    public var partCount: Int
    /// Where every part (and duplicate) is stored, to delete once relayed; empty in direct mode.
    public var storageSlots: [StorageSlot]

    public init(sender: PhoneAddress, body: MessageBody, alphabet: Alphabet, timestamp: ServiceCentreTimestamp, messageClass: MessageClass?, concatenationReference: Int?, partCount: Int, storageSlots: [StorageSlot]) {
        self.sender = sender
        self.body = body
        self.alphabet = alphabet
        self.timestamp = timestamp
        self.messageClass = messageClass
        self.concatenationReference = concatenationReference
        self.partCount = partCount
        self.storageSlots = storageSlots
    }

    /// The text, when the message is text (GSM 7-bit or UCS-2).
    public var text: String? {
        if case .text(let text) = body { return text }
        return nil
    }
}
