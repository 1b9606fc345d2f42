/// One message slot in the modem's storage: which memory (`SM`, `ME`, …) and its index there.
///
/// TS 27.005 §3.2.2 — indices are per memory, so the same number in `SM` and `ME` names two
/// different messages.
public struct StorageSlot: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var storage: String
    public var index: Int

    public init(storage: String, index: Int) {
        self.storage = storage
        self.index = index
    }

    public static func < (lhs: StorageSlot, rhs: StorageSlot) -> Bool {
        (lhs.storage, lhs.index) < (rhs.storage, rhs.index)
    }

    public var description: String { "\(storage)/\(index)" }
}

/// The bookkeeping of what the host holds of the modem's storage, as a pure value: which slots
/// are being read, wait in the reassembler, are handed to the relay, or are being deleted —
/// and which memory the modem reads from now (`+CPMS` `<mem1>`).
///
/// Every rule here was found by a benchmark or an end-to-end test (DESIGN.md "Receiving and
/// relaying", invariant 2):
/// - a slot is read once however many `+CMTI`s and sweeps name it, and handed out once;
/// - a sweep takes only what the host does not hold already;
/// - a `+CMTI` for a slot whose delete has not answered yet names the NEXT message the modem
///   stored there (it reuses a freed slot at once): it is read as soon as the delete is done;
/// - a delete that failed, or a relay given up, forgets the slot so the next sweep hands it out
///   again;
/// - an operation on a slot of another memory than the one the modem reads from is chained
///   behind a `+CPMS` that selects it, and a plain command is used only when no selection is
///   still queued and the memory is known.
public struct StorageBook: Sendable, Equatable {
    public enum SlotState: Sendable, Equatable {
        case reading
        /// Read and decoded, waiting in the reassembler for its other parts.
        case buffered
        /// Part of a complete message given to the relay.
        case handedOut
        /// A `+CMGD` is in flight; `indicatedMeanwhile` when a `+CMTI` named the slot meanwhile.
        case deleting(indicatedMeanwhile: Bool)
    }

    /// How a command on a slot must be written.
    public enum Selection: Sendable, Equatable {
        /// The modem reads from the slot's memory already: the command alone.
        case current
        /// Chain `AT+CPMS="<storage>","<receive>","<receive>";` in front of the command.
        case select(String)
    }

    /// Where new messages go (`<mem3>`, and `<mem2>`): the one storage kept for them.
    public private(set) var receiveStorage: String
    public private(set) var slots: [StorageSlot: SlotState] = [:]
    /// The memory the modem reads from after every command that completed; nil when unknown.
    public private(set) var readStorage: String?
    /// Commands that carry a `+CPMS` selection and have not completed.
    public private(set) var selectionsInFlight = 0
    /// Messages the last sweep found in a memory that are not deliveries (drafts, sent copies):
    /// never taken, but counted, so they do not look like lost messages.
    public private(set) var foreign: [String: Int] = [:]

    public init(receiveStorage: String) {
        self.receiveStorage = receiveStorage
    }

    public func state(of slot: StorageSlot) -> SlotState? { slots[slot] }

    /// Slots of `storage` the host holds in any state: compared with `+CPMS?`'s used count, a
    /// larger count there means a message the host never heard of (a lost `+CMTI`).
    public func heldCount(in storage: String) -> Int {
        slots.keys.reduce(foreign[storage, default: 0]) { $0 + ($1.storage == storage ? 1 : 0) }
    }

    /// A sweep of `storage` found `count` messages that are not deliveries.
    public mutating func noteForeign(_ count: Int, in storage: String) {
        foreign[storage] = count
    }

    // MARK: - Indications and reads

    /// A `+CMTI` named `slot`: true when it must be read now.
    public mutating func indicated(_ slot: StorageSlot) -> Bool {
        switch slots[slot] {
        case nil:
            slots[slot] = .reading
            return true
        case .deleting:
            slots[slot] = .deleting(indicatedMeanwhile: true)
            return false
        case .reading, .buffered, .handedOut:
            return false
        }
    }

    /// A read of `slot` ended: `holdsMessage` when it held a delivery that is now buffered;
    /// otherwise (empty, a status report, a draft, undecodable, the read failed) it is forgotten.
    public mutating func readFinished(_ slot: StorageSlot, holdsMessage: Bool) {
        guard slots[slot] == .reading else { return }
        slots[slot] = holdsMessage ? .buffered : nil
    }

    /// A sweep listed these slots, each holding a delivery: those the host does not hold yet are
    /// taken (and become buffered), in the order given.
    public mutating func listed(_ listed: [StorageSlot]) -> [StorageSlot] {
        var taken: [StorageSlot] = []
        for slot in listed where slots[slot] == nil {
            slots[slot] = .buffered
            taken.append(slot)
        }
        return taken
    }

    /// The reassembler completed a message from these slots: handed to the relay.
    public mutating func handedOut(_ parts: [StorageSlot]) {
        for slot in parts { slots[slot] = .handedOut }
    }

    /// The relay gave these slots up without deleting them (shut down, registry unreachable):
    /// forgotten, so the next sweep hands them out again.
    public mutating func released(_ parts: [StorageSlot]) {
        for slot in parts where slots[slot] == .handedOut || slots[slot] == .buffered { slots[slot] = nil }
    }

    // MARK: - Deletes

    public mutating func deleteStarted(_ slot: StorageSlot) {
        slots[slot] = .deleting(indicatedMeanwhile: false)
    }

    /// A `+CMGD` ended. Forgets the slot either way (after a failure the message stays in storage,
    /// and the next sweep hands it out again); true when a `+CMTI` named it meanwhile, so the
    /// message now in it must be read (and it is marked `.reading`).
    public mutating func deleteFinished(_ slot: StorageSlot) -> Bool {
        guard case .deleting(let indicatedMeanwhile) = slots[slot] else { return false }
        slots[slot] = indicatedMeanwhile ? .reading : nil
        return indicatedMeanwhile
    }

    // MARK: - Which memory the modem reads from

    /// How to write a command on a slot of `storage`; a `.select` counts as in flight until
    /// `selectionFinished`.
    public mutating func selection(for storage: String) -> Selection {
        if selectionsInFlight == 0, readStorage == storage { return .current }
        selectionsInFlight += 1
        return .select(storage)
    }

    /// A command with a `.select(storage)` completed.
    public mutating func selectionFinished(_ storage: String, succeeded: Bool) {
        selectionsInFlight = max(0, selectionsInFlight - 1)
        // A failed chained line may have failed after its +CPMS took effect: unknown then.
        readStorage = succeeded ? storage : nil
    }

    /// A plain `+CPMS` (start-up, a sweep) selected `storage` for reading, or failed to.
    public mutating func selected(_ storage: String?) {
        readStorage = storage
    }

    /// A new connection: nothing is held any more, the memory is unknown.
    public mutating func reset(receiveStorage: String) {
        self = StorageBook(receiveStorage: receiveStorage)
    }
}
