import TestSupport
import Testing
@testable import ATModem

/// The storage bookkeeping on its own: every `+CMTI` / read / sweep / delete interleaving the
/// benchmark and the end-to-end tests found, as rows of steps and what each must answer.
@Suite struct StorageBookTests {
    enum Step: CustomStringConvertible {
        case indicated(Int, readsNow: Bool)
        case readFinished(Int, holdsMessage: Bool)
        case listed([Int], takes: [Int])
        case handedOut([Int])
        case released([Int])
        case deleteStarted(Int)
        case deleteFinished(Int, readsAgain: Bool)
        case held(Int)

        var description: String {
            switch self {
            case .indicated(let i, let r): "CMTI \(i) → read \(r)"
            case .readFinished(let i, let h): "read \(i) done (message \(h))"
            case .listed(let l, let t): "sweep \(l) → \(t)"
            case .handedOut(let l): "handed out \(l)"
            case .released(let l): "released \(l)"
            case .deleteStarted(let i): "delete \(i)"
            case .deleteFinished(let i, let r): "delete \(i) done → read again \(r)"
            case .held(let n): "held \(n)"
            }
        }
    }

    static let sm = "SM"
    static func slot(_ index: Int) -> StorageSlot { StorageSlot(storage: sm, index: index) }

    static let rows: [(name: String, steps: [Step])] = [
        ("a +CMTI is read once, however often it is named", [
            .indicated(1, readsNow: true), .indicated(1, readsNow: false), .readFinished(1, holdsMessage: true),
            .indicated(1, readsNow: false), .held(1),
        ]),
        ("a sweep skips what is being read, buffered or handed out", [
            .indicated(1, readsNow: true), .indicated(2, readsNow: true), .readFinished(2, holdsMessage: true),
            .indicated(3, readsNow: true), .readFinished(3, holdsMessage: true), .handedOut([3]),
            .listed([1, 2, 3, 4], takes: [4]), .held(4),
        ]),
        ("a +CMTI that overtakes the end of a delete is read once the delete is done", [
            .indicated(1, readsNow: true), .readFinished(1, holdsMessage: true), .handedOut([1]),
            .deleteStarted(1), .indicated(1, readsNow: false), .deleteFinished(1, readsAgain: true),
            .indicated(1, readsNow: false), .held(1),
        ]),
        ("a delete with no +CMTI meanwhile forgets the slot", [
            .listed([5], takes: [5]), .handedOut([5]), .deleteStarted(5), .deleteFinished(5, readsAgain: false),
            .held(0), .indicated(5, readsNow: true),
        ]),
        ("a failed delete forgets the slot, so the next sweep hands it out again", [
            .listed([6], takes: [6]), .handedOut([6]), .deleteStarted(6), .deleteFinished(6, readsAgain: false),
            .listed([6], takes: [6]),
        ]),
        ("a relay given up releases its slots for the next sweep", [
            .listed([1, 2], takes: [1, 2]), .handedOut([1, 2]), .listed([1, 2], takes: []),
            .released([1, 2]), .listed([1, 2], takes: [1, 2]),
        ]),
        ("an empty or unreadable slot is forgotten after its read", [
            .indicated(9, readsNow: true), .readFinished(9, holdsMessage: false), .held(0),
            .indicated(9, readsNow: true),
        ]),
        ("a sweep while a slot is being deleted does not take it", [
            .listed([1], takes: [1]), .handedOut([1]), .deleteStarted(1), .listed([1], takes: []),
            .deleteFinished(1, readsAgain: false), .held(0),
        ]),
        ("parts buffered by a sweep are not read again on a late +CMTI", [
            .listed([3, 4], takes: [3, 4]), .indicated(3, readsNow: false), .indicated(4, readsNow: false),
            .handedOut([3, 4]), .held(2),
        ]),
    ]

    @Test(arguments: rows.indices)
    func interleavings(_ row: Int) {
        var book = StorageBook(receiveStorage: Self.sm)
        for (number, step) in Self.rows[row].steps.enumerated() {
            let context = Comment(rawValue: "\(Self.rows[row].name), step \(number + 1): \(step)")
            switch step {
            case .indicated(let index, let readsNow):
                let reads = book.indicated(Self.slot(index))
                #expect(reads == readsNow, context)
            case .readFinished(let index, let holdsMessage):
                book.readFinished(Self.slot(index), holdsMessage: holdsMessage)
            case .listed(let listed, let takes):
                let taken = book.listed(listed.map(Self.slot))
                #expect(taken == takes.map(Self.slot), context)
            case .handedOut(let indices):
                book.handedOut(indices.map(Self.slot))
            case .released(let indices):
                book.released(indices.map(Self.slot))
            case .deleteStarted(let index):
                book.deleteStarted(Self.slot(index))
            case .deleteFinished(let index, let readsAgain):
                let again = book.deleteFinished(Self.slot(index))
                #expect(again == readsAgain, context)
            case .held(let count):
                #expect(book.heldCount(in: Self.sm) == count, context)
            }
        }
    }

    @Test func slotsOfTwoMemoriesWithTheSameIndexAreTwoMessages() {
        var book = StorageBook(receiveStorage: "SM")
        let reads = book.indicated(StorageSlot(storage: "SM", index: 1))
        let taken = book.listed([StorageSlot(storage: "ME", index: 1)])
        #expect(reads)
        #expect(taken == [StorageSlot(storage: "ME", index: 1)])
        #expect(book.heldCount(in: "SM") == 1)
        #expect(book.heldCount(in: "ME") == 1)
    }

    @Test func draftsFoundByASweepCountAsHeldSoTheyDoNotLookLikeLostMessages() {
        var book = StorageBook(receiveStorage: "SM")
        book.noteForeign(2, in: "SM")
        _ = book.listed([StorageSlot(storage: "SM", index: 4)])
        #expect(book.heldCount(in: "SM") == 3)
    }

    /// (selections in the order asked, completions (storage, succeeded) in between) → how each is written.
    enum SelectionStep { case ask(String, StorageBook.Selection), finish(String, Bool) }

    static let selectionRows: [(name: String, start: String?, steps: [SelectionStep])] = [
        ("the receive memory after start-up needs no selection", "SM", [.ask("SM", .current), .ask("SM", .current)]),
        ("another memory is selected, and stays selected once that succeeded", "SM", [
            .ask("ME", .select("ME")), .finish("ME", true), .ask("ME", .current), .ask("SM", .select("SM")),
        ]),
        ("while a selection is queued every command selects its own memory", "SM", [
            .ask("ME", .select("ME")), .ask("SM", .select("SM")), .ask("ME", .select("ME")),
            .finish("ME", true), .finish("SM", true), .ask("SM", .select("SM")), .finish("ME", true), .finish("SM", true),
            .ask("SM", .current),
        ]),
        ("a failed selection leaves the memory unknown until one succeeds", "SM", [
            .ask("ME", .select("ME")), .finish("ME", false), .ask("SM", .select("SM")), .finish("SM", true), .ask("SM", .current),
        ]),
        ("an unknown memory at start is always selected", nil, [.ask("SM", .select("SM"))]),
    ]

    @Test(arguments: selectionRows.indices)
    func theReadMemoryIsSelectedWhenItIsNotKnownToBeTheRightOne(_ row: Int) {
        var book = StorageBook(receiveStorage: "SM")
        book.selected(Self.selectionRows[row].start)
        for (number, step) in Self.selectionRows[row].steps.enumerated() {
            switch step {
            case .ask(let storage, let expected):
                let selection = book.selection(for: storage)
                #expect(selection == expected, "\(Self.selectionRows[row].name), step \(number + 1)")
            case .finish(let storage, let succeeded):
                book.selectionFinished(storage, succeeded: succeeded)
            }
        }
    }
}
