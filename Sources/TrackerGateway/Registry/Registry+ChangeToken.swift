import Foundation

/// The route cache's staleness check is the registry's own ``Registry/changeToken()``, on either backend.
extension Registry: ChangeTracking {}

extension Registry {
    /// The vault's keyed fingerprint of a message's PDU, for the daemon's crash journal.
    public func messageFingerprint(_ pdu: String) -> Data {
        vault.fingerprint(of: Array(pdu.utf8))
    }
}
