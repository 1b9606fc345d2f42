import Foundation

/// Issue #11: what several gateways on one registry agree on — which of them relays a report that
/// reached more than one, and which of them runs a job that must run once.
extension Registry {
    /// This process as the ledger names it. A gateway that restarts is a new claimant: the
    /// unfinished claims of its last run are taken over after the lease, as a dead gateway's are.
    static let ledgerInstance = UUID().uuidString

    /// How long a claim is remembered: the relay's duplicate window (``RelayConfiguration``).
    public static let relayClaimWindow: Duration = .seconds(3600)

    /// How long another gateway's unfinished claim is respected before this one takes it over (that
    /// gateway died mid-relay): longer than a relay takes, short enough for an alarm.
    public static let relayClaimLease: Duration = .seconds(120)

    public func claimRelay(of message: IncomingMessage) throws -> RelayClaim {
        try store.claimRelay(digest: relayDigest(of: message), gateway: Self.ledgerInstance, window: Self.relayClaimWindow, lease: Self.relayClaimLease)
    }

    public func markRelayed(_ ticket: RelayClaim.Ticket) throws {
        try store.markRelayed(digest: ticket.digest, gateway: Self.ledgerInstance)
    }

    /// Deletes the ledger's expired claims (the retention job does, once an interval).
    public func purgeRelayClaims() throws -> Int {
        try store.purgeRelayClaims()
    }

    /// Runs `body` unless another gateway (or CLI) of this registry runs the job `name` now; nil then.
    public func exclusively<T>(job name: String, _ body: () throws -> T) throws -> T? {
        try store.exclusively(job: name, body)
    }

    /// The keyed digest of what makes two deliveries one report: sender, SCTS, concatenation
    /// reference, part count, alphabet and text, each field delimited.
    func relayDigest(of message: IncomingMessage) -> Data {
        var bytes = Array("trackerd relay claim v1".utf8)
        func field(_ text: String) {
            bytes.append(0)
            bytes += Array(text.utf8)
        }
        field(message.sender)
        field(String(Int64(message.timestamp.timeIntervalSince1970.rounded(.down))))
        field(message.concatenationReference.map(String.init) ?? "-")
        field(String(message.partCount))
        field(message.isUCS2 ? "ucs2" : "gsm7")
        field(message.text)
        let digest = vault.fingerprint(of: bytes)
        bytes.withUnsafeMutableBytes { raw in raw.initializeMemory(as: UInt8.self, repeating: 0) }
        return digest
    }
}
