import ATModem
import Synchronization
import TrackerGateway

/// The daemon's modems and which of them may send now: the rotation of DESIGN.md "Scale".
///
/// Each modem service publishes its health here (ready, registered, failing sends, sends in
/// flight) from its own thread; choosing a modem for a send reads the table under one short lock,
/// so no send waits on another modem's thread to learn whether it is healthy.
/// - a relay goes out of the least busy healthy modem;
/// - a keyword reply out of the modem that received the keyword, or another healthy one;
/// - a tracker command out of a healthy modem whose number the tracker obeys (any healthy one
///   when the registry knows none, as a one-number gateway has it);
/// - a modem that is closed, not registered, or failed `failuresBeforeRotationOut` sends in a
///   row is out of the rotation until its next good health probe.
public final class ModemPool: Sendable {
    struct Health: Sendable {
        var ready = false
        var registered = true
        var consecutiveFailures = 0
        var sendsInFlight = 0
    }

    let numbers: [String]
    static let failuresBeforeRotationOut = 3
    private let table: Mutex<[Health]>
    /// Attached once, right after the services are made (they need the pool to send through).
    private let members = Mutex<[ModemService]>([])

    init(numbers: [String]) {
        self.numbers = numbers
        table = Mutex(Array(repeating: Health(), count: numbers.count))
    }

    func attach(_ services: [ModemService]) {
        precondition(services.count == numbers.count, "one service per pool number")
        members.withLock { $0 = services }
    }

    public var services: [ModemService] { members.withLock { $0 } }

    // MARK: - Published by the modems

    func setReady(_ index: Int, _ ready: Bool) {
        table.withLock { $0[index].ready = ready }
    }

    func setRegistered(_ index: Int, _ registered: Bool) {
        table.withLock { $0[index].registered = registered }
    }

    /// A good probe: the modem is back in the rotation.
    func probeSucceeded(_ index: Int) {
        table.withLock { $0[index].consecutiveFailures = 0 }
    }

    func sendStarted(_ index: Int) {
        table.withLock { $0[index].sendsInFlight += 1 }
    }

    func sendEnded(_ index: Int, succeeded: Bool) {
        table.withLock { table in
            table[index].sendsInFlight = max(0, table[index].sendsInFlight - 1)
            table[index].consecutiveFailures = succeeded ? 0 : table[index].consecutiveFailures + 1
        }
    }

    // MARK: - Choosing

    /// The modems that may carry a send for `purpose`, best first; empty when none is healthy.
    public func candidates(for purpose: SendPurpose, origin: Int?) -> [ModemService] {
        let order = table.withLock { Self.order($0, numbers: numbers, for: purpose, origin: origin) }
        let services = self.services
        return order.map { services[$0] }
    }

    /// The rotation as a pure function of the health table: the healthy modems (for a tracker
    /// command, those whose number the tracker obeys), least busy first, ties in pool order,
    /// and for a reply the receiving modem first.
    static func order(_ table: [Health], numbers: [String], for purpose: SendPurpose, origin: Int?) -> [Int] {
        let healthy = table.indices.filter { index in
            let health = table[index]
            return health.ready && health.registered && health.consecutiveFailures < failuresBeforeRotationOut
        }
        var eligible = healthy
        if case .trackerCommand(let known) = purpose, !known.isEmpty {
            eligible = healthy.filter { known.contains(numbers[$0]) }
        }
        var sorted = eligible.sorted { (table[$0].sendsInFlight, $0) < (table[$1].sendsInFlight, $1) }
        if purpose == .reply, let origin, let position = sorted.firstIndex(of: origin) {
            sorted.insert(sorted.remove(at: position), at: 0)
        }
        return sorted
    }

    /// Ready modems, and all of them.
    public var readyCount: Int { table.withLock { $0.filter(\.ready).count } }
}
