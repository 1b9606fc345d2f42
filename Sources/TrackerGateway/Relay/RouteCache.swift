import Crypto
import Foundation
import Synchronization

/// Something whose answers can be cached until `changeToken()` moves.
public protocol ChangeTracking: Sendable {
    func changeToken() throws -> UInt64
}

/// A bounded in-memory cache of tracker routes in front of the registry, so the sender look-up on
/// the relay's hot path costs a hash and a dictionary probe instead of a query and a dozen AES-GCM
/// opens (DESIGN.md "Performance targets": ≤ 50 µs at 1,000,000 customers).
///
/// What it holds, and nothing more (DESIGN.md invariants 1 and 4): for a tracker that reported
/// lately, the route one relay needs — the tracker's number and ids, its customer's phones with
/// their numbers and consent — with the tracker's password and label left out (a report does not
/// need them; a LOCATE goes to the registry); and which senders are nobody. Phones' own look-ups
/// (keywords: LOCATE needs passwords and labels) are not cached. Entries are keyed by an HMAC of
/// the sender as the network wrote it, with a key made at start and never stored, so the keys say
/// nothing even in a core dump. The whole cache is dropped when the registry's change token moves
/// (any committed change, here or in another process), on a consent change, and beyond its bounds
/// the oldest entries go first.
///
/// `@unchecked Sendable`: besides the state behind its lock it holds one immutable key.
public final class RouteCache: SenderDirectory, @unchecked Sendable {
    struct State {
        var token: UInt64?
        var trackers: [Data: TrackerRoute] = [:]
        var trackerOrder: [Data] = []
        var strangers: Set<Data> = []
        var strangerOrder: [Data] = []
        var hits = 0
        var misses = 0
    }

    let base: any SenderDirectory & ChangeTracking
    let trackerCapacity: Int
    let strangerCapacity: Int
    /// Keyed once with a key that is never stored: each look-up copies it and hashes the sender,
    /// instead of deriving the HMAC's inner and outer pads again for every message.
    private let keyed = HMAC<SHA256>(key: SymmetricKey(size: .bits256))
    private let state = Mutex(State())

    public init(_ base: any SenderDirectory & ChangeTracking, trackerCapacity: Int = 4_096, strangerCapacity: Int = 1_024) {
        precondition(trackerCapacity > 0 && strangerCapacity > 0, "a cache needs room for one entry")
        self.base = base
        self.trackerCapacity = trackerCapacity
        self.strangerCapacity = strangerCapacity
    }

    /// Cached answers given, and look-ups that went to the registry.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    public func role(of sender: String) throws -> SenderRole {
        let token = try base.changeToken()
        var mac = keyed
        mac.update(data: Array(sender.utf8))
        let cacheKey = Data(mac.finalize())
        let cached: SenderRole? = state.withLock { state in
            if state.token != token { state = State(token: token, hits: state.hits, misses: state.misses) }
            if let route = state.trackers[cacheKey] {
                state.hits += 1
                return .tracker(route)
            }
            if state.strangers.contains(cacheKey) {
                state.hits += 1
                return .unknown
            }
            state.misses += 1
            return nil
        }
        if let cached { return cached }
        let role = try base.role(of: sender)
        state.withLock { state in
            guard state.token == token else { return }
            switch role {
            case .tracker(var route):
                route.password = ""
                route.label = nil
                Self.insert(route, at: cacheKey, into: &state.trackers, order: &state.trackerOrder, capacity: trackerCapacity)
            case .unknown:
                if state.strangers.insert(cacheKey).inserted {
                    state.strangerOrder.append(cacheKey)
                    if state.strangerOrder.count > strangerCapacity { state.strangers.remove(state.strangerOrder.removeFirst()) }
                }
            case .phone:
                break
            }
        }
        return role
    }

    public func setConsent(phoneID: Int64, consents: Bool) throws {
        defer { state.withLock { state in state = State(hits: state.hits, misses: state.misses) } }
        try base.setConsent(phoneID: phoneID, consents: consents)
    }

    /// The ledger is the registry's alone: never cached, since a claim is a write.
    public func claimRelay(of message: IncomingMessage) throws -> RelayClaim {
        try base.claimRelay(of: message)
    }

    public func markRelayed(_ ticket: RelayClaim.Ticket) throws {
        try base.markRelayed(ticket)
    }

    private static func insert(_ route: TrackerRoute, at key: Data, into routes: inout [Data: TrackerRoute], order: inout [Data], capacity: Int) {
        if routes.updateValue(route, forKey: key) == nil { order.append(key) }
        while order.count > capacity { routes[order.removeFirst()] = nil }
    }
}
