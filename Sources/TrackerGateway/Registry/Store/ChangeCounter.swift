import Foundation

/// A counter this process bumps on every committed write, folded into ``RegistryStore/changeToken()``.
final class ChangeCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: UInt64 = 0
    private var seen: (external: Int64, writes: UInt64)?
    private var token: UInt64 = 0

    func noteWrite() {
        lock.withLock { writes &+= 1 }
    }

    /// The token for `external` (another process's change counter): bumped whenever it or this
    /// process's writes moved since the last call.
    func token(external: Int64) -> UInt64 {
        lock.withLock {
            if let seen, seen.external == external, seen.writes == writes { return token }
            seen = (external, writes)
            token &+= 1
            return token
        }
    }
}
