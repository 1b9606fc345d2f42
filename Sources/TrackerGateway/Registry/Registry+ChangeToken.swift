import Foundation
import GRDB

extension Registry: ChangeTracking {
    /// A number that changes whenever a committed change, in this process or another (the CLI
    /// while the daemon runs), may have changed what `role(of:)` answers.
    ///
    /// SQLite `PRAGMA data_version` on the writer connection moves when another connection
    /// commits; this process's own writes count apart, since they do not move it there.
    public func changeToken() throws -> UInt64 {
        let version: Int64
        do {
            version = try pool.writeWithoutTransaction { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw Registry.gatewayError(from: error, path: databasePath)
        }
        return UInt64(bitPattern: version) &* 1_000_003 &+ localWrites.value
    }
}

extension Registry {
    /// The vault's keyed fingerprint of a message's PDU, for the daemon's crash journal.
    public func messageFingerprint(_ pdu: String) -> Data {
        vault.fingerprint(of: Array(pdu.utf8))
    }
}
