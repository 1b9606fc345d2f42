import SMSCodec

/// Which parts of concatenated messages the modem has finished with, so that a copy of one read
/// again is deleted at once instead of waiting in the reassembler for siblings that are gone.
///
/// A part is *in hand* from the moment its message completes until the delegate either deletes
/// the message (relayed, or discarded on purpose) — then the message's parts are *finished* — or
/// gives it back (left for later: its parts must be read and joined again, so nothing is kept).
/// A part whose delete the modem refused stays on the SIM and is listed again by a later sweep;
/// before this memory it waited out the reassembly age (soak finding 2: up to 12.5 minutes on
/// the SIM after its message was relayed). The finished set keeps the last `capacity` parts,
/// oldest forgotten first; it holds marks (sender, reference, part, time stamp), never content,
/// and lives in RAM only.
struct FinishedParts: Sendable {
    let capacity: Int
    private var inHand: [StorageSlot: [PartMark]] = [:]
    private var finished: Set<PartMark> = []
    private var order: [PartMark] = []
    private var oldest = 0

    init(capacity: Int = 512) {
        precondition(capacity >= 1, "a memory of finished parts needs room for one")
        self.capacity = capacity
    }

    /// A completed message's slots were handed to the delegate.
    mutating func handedOut(_ slots: [StorageSlot], marks: [PartMark]) {
        guard !marks.isEmpty else { return }
        for slot in slots { inHand[slot] = marks }
    }

    /// The delegate gave these slots back: their message will be read and joined again.
    mutating func released(_ slots: [StorageSlot]) {
        for slot in slots { inHand[slot] = nil }
    }

    /// The delegate deleted these slots: every part of their message is finished.
    mutating func deleted(_ slots: [StorageSlot]) {
        for slot in slots {
            guard let marks = inHand.removeValue(forKey: slot) else { continue }
            finish(marks)
        }
    }

    /// Adds a deleted message's parts, forgetting the oldest beyond `capacity`.
    private mutating func finish(_ marks: [PartMark]) {
        for mark in marks where finished.insert(mark).inserted {
            if order.count < capacity {
                order.append(mark)
            } else {
                finished.remove(order[oldest])
                order[oldest] = mark
                oldest = (oldest + 1) % capacity
            }
        }
    }

    func isFinished(_ mark: PartMark) -> Bool { finished.contains(mark) }

    /// Parts remembered as finished (never more than `capacity`).
    var finishedCount: Int { finished.count }
}
