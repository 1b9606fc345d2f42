/// One preferred-storage area of the modem (`"SM"` on the SIM, `"ME"` in the phone).
///
/// TS 27.005 §3.1 — `<stat>` values and `<index>` of stored messages; §3.2.2 `+CPMS`.
/// Storage holds whole TPDUs, as a SIM's EF_SMS record does, so a drop keeps them.
struct MessageStorage: Sendable, Equatable {
    /// TS 27.005 §3.1 `<stat>` in PDU mode.
    enum Status: Int, Sendable, Equatable, CaseIterable {
        case receivedUnread = 0
        case receivedRead = 1
        case storedUnsent = 2
        case storedSent = 3

        /// The text-mode name, used by `StoredMessageInfo`.
        var text: String {
            switch self {
            case .receivedUnread: "REC UNREAD"
            case .receivedRead: "REC READ"
            case .storedUnsent: "STO UNSENT"
            case .storedSent: "STO SENT"
            }
        }
    }

    struct Message: Sendable, Equatable {
        var status: Status
        /// The TPDU without the SMSC prefix.
        var tpdu: [UInt8]
        /// The originating address as text, for the control socket; empty for a status report.
        var sender: String
    }

    let name: String
    let capacity: Int
    private(set) var slots: [Message?]

    init(name: String, capacity: Int) {
        precondition(capacity > 0, "a storage area holds at least one message")
        self.name = name
        self.capacity = capacity
        self.slots = Array(repeating: nil, count: capacity)
    }

    var usedCount: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    var isFull: Bool { usedCount == capacity }

    /// The message at a 0-based slot, or `nil` for an empty or out-of-range slot.
    func message(at slot: Int) -> Message? {
        slots.indices.contains(slot) ? slots[slot] : nil
    }

    /// Stores in the lowest free slot and returns it, or `nil` when full.
    mutating func store(_ message: Message) -> Int? {
        guard let slot = slots.firstIndex(where: { $0 == nil }) else { return nil }
        slots[slot] = message
        return slot
    }

    mutating func setStatus(_ status: Status, at slot: Int) {
        guard slots.indices.contains(slot), slots[slot] != nil else { return }
        slots[slot]?.status = status
    }

    mutating func delete(at slot: Int) {
        guard slots.indices.contains(slot) else { return }
        slots[slot] = nil
    }

    /// TS 27.005 §3.5.4 `+CMGD` `<delflag>`: 1 read, 2 read+sent, 3 read+sent+unsent, 4 all.
    mutating func deleteAll(flag: Int) {
        let doomed: Set<Status>
        switch flag {
        case 1: doomed = [.receivedRead]
        case 2: doomed = [.receivedRead, .storedSent]
        case 3: doomed = [.receivedRead, .storedSent, .storedUnsent]
        default: doomed = Set(Status.allCases)
        }
        for slot in slots.indices where slots[slot].map({ doomed.contains($0.status) }) == true {
            slots[slot] = nil
        }
    }

    mutating func removeAll() {
        slots = Array(repeating: nil, count: capacity)
    }
}
