/// Timers of one executor as a pure value: a binary min-heap ordered by deadline, then by the
/// order they were scheduled, with cancellation by handle (lazy: a cancelled entry is skipped
/// when it reaches the top).
public struct TimerQueue<Work>: Sendable where Work: Sendable {
    /// Names one scheduled timer, for `cancel`.
    public struct Handle: Hashable, Sendable {
        let sequence: UInt64
    }

    private struct Entry: Sendable {
        var deadline: MonotonicInstant
        var sequence: UInt64
        var work: Work

        func precedes(_ other: Entry) -> Bool {
            deadline == other.deadline ? sequence < other.sequence : deadline < other.deadline
        }
    }

    private var heap: [Entry] = []
    private var cancelled: Set<UInt64> = []
    private var nextSequence: UInt64 = 0

    public init() {}

    /// Live timers (scheduled, not fired, not cancelled).
    public var count: Int { heap.count - cancelled.count }

    /// The earliest live deadline.
    public mutating func nextDeadline() -> MonotonicInstant? {
        dropCancelledTop()
        return heap.first?.deadline
    }

    @discardableResult
    public mutating func schedule(at deadline: MonotonicInstant, _ work: Work) -> Handle {
        nextSequence += 1
        heap.append(Entry(deadline: deadline, sequence: nextSequence, work: work))
        siftUp(heap.count - 1)
        return Handle(sequence: nextSequence)
    }

    /// Forgets a timer that has not fired; a handle already fired or cancelled is ignored.
    public mutating func cancel(_ handle: Handle) {
        guard handle.sequence <= nextSequence, heap.contains(where: { $0.sequence == handle.sequence }) else { return }
        cancelled.insert(handle.sequence)
    }

    /// Removes and returns every live timer due at `now`, earliest first.
    public mutating func takeDue(now: MonotonicInstant) -> [Work] {
        var due: [Work] = []
        while true {
            dropCancelledTop()
            guard let top = heap.first, top.deadline <= now else { return due }
            due.append(popTop().work)
        }
    }

    private mutating func dropCancelledTop() {
        while let top = heap.first, cancelled.contains(top.sequence) {
            cancelled.remove(top.sequence)
            _ = popTop()
        }
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
