import Foundation

/// Where the registry's rows live: a SQLite file through GRDB, or a PostgreSQL database through
/// postgres-nio. ``Registry`` writes every method once against this and ``SQLTransaction``.
///
/// Issue #11. Both are called synchronously from the registry's callers — the relay on a modem's
/// own thread, the CLI on its main thread — and never from an event-loop thread.
protocol RegistryStore: Sendable {
    var dialect: SQLDialect { get }
    /// What errors name as the registry's place: the SQLite file's path, or the PostgreSQL URL
    /// without its password.
    var location: String { get }

    /// One write transaction: committed when `body` returns, rolled back when it throws.
    /// Writes are serialised (SQLite's one writer; PostgreSQL's advisory lock), so a check made
    /// inside `body` still holds when it commits.
    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T

    /// One read transaction on a consistent snapshot.
    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T

    /// A read whose `body` runs exactly one statement, which is its own snapshot: PostgreSQL then
    /// needs no BEGIN and COMMIT around it (one round trip instead of three — the sender look-up).
    func readStatement<T>(_ body: (any SQLTransaction) throws -> T) throws -> T

    /// A number that changes whenever a committed change (by this process or another) may have
    /// changed what the sender lookup answers.
    func changeToken() throws -> UInt64

    /// After a change that deleted PII: make sure no copy of the old rows outlives it where the
    /// backend allows (SQLite: the write-ahead log). Best effort, never throws.
    func shredDeletedRows()

    /// The live schema's tables and their columns, in order (for the record of processing).
    func schemaTables() throws -> [(table: String, columns: [String])]

    /// What protects deleted and stored rows, as the record of processing shows it.
    func safeguards() throws -> StoreSafeguards

    func close() throws

    /// Issue #11's ledger of tracker reports: claims `digest` (a keyed digest of one report) for
    /// `gateway`, a claim lasting `window`; another gateway's unfinished claim is taken over once
    /// it is older than `lease`. A registry one gateway alone uses answers `.mine` without I/O.
    func claimRelay(digest: Data, gateway: String, window: Duration, lease: Duration) throws -> RelayClaim

    /// Marks `gateway`'s claim of `digest` done.
    func markRelayed(digest: Data, gateway: String) throws

    /// Deletes expired claims; returns how many.
    func purgeRelayClaims() throws -> Int

    /// Runs `body` unless another process of this registry is running the job `name` (then nil):
    /// a job that must run once across gateways (issue #11). A process that dies mid-job leaves it.
    func exclusively<T>(job name: String, _ body: () throws -> T) throws -> T?
}

/// The backend's safeguards as `privacy-report` lists them.
public struct StoreSafeguards: Sendable, Equatable {
    public var secureDelete: Bool
    public var foreignKeys: Bool
    /// SQLite's journal mode (`wal`), or `postgresql` for the server's own write-ahead log.
    public var journalMode: String
}
