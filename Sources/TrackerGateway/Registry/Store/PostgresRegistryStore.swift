import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The shared registry of several gateways: one PostgreSQL database, through postgres-nio.
///
/// Issue #11 and DESIGN.md "Scale". The registry's callers are synchronous (the relay on a modem's
/// own thread, the CLI on its main thread), so every statement is one `EventLoopFuture` waited on
/// from the calling thread: the work runs on NIO's event loops and never needs Swift's cooperative
/// pool, which a blocked caller might be using. Nothing here may be called from an event loop.
/// Writes take a transaction-scoped advisory lock, so they are serialised across gateways as
/// SQLite's single writer serialises them, and a check made inside a write still holds at commit.
final class PostgresRegistryStore: RegistryStore {
    let url: PostgresRegistryURL
    private let connections: PostgresConnections
    private let changes = ChangeCounter()

    var dialect: SQLDialect { .postgres }
    var location: String { url.description }

    /// Connects once, so an unreachable server, a refused role or a missing database is an error here.
    init(url: PostgresRegistryURL) throws {
        self.url = url
        connections = try PostgresConnections(url: url)
        do { try connections.withConnection { _ in } } catch { throw Self.translate(error, url: url) }
    }

    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        let result = try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { transaction in
            // One writer at a time per registry (its schema), across every gateway and CLI.
            try transaction.execute(sql: "SELECT pg_advisory_xact_lock(hashtext(COALESCE(current_schema(), '') || ':trackerd.registry.write'))")
            return try body(transaction)
        }
        changes.noteWrite()
        return result
    }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    func readStatement<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        do {
            return try connections.withConnection { connection in try body(PostgresTransaction(connection: connection, logger: connections.logger)) }
        } catch {
            throw translate(error)
        }
    }

    /// Runs `body` between `begin` and COMMIT on one connection; ROLLBACK when it throws.
    func transaction<T>(begin: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        do {
            return try connections.withConnection { connection in
                let transaction = PostgresTransaction(connection: connection, logger: connections.logger)
                try transaction.execute(sql: begin)
                do {
                    let result = try body(transaction)
                    try transaction.execute(sql: "COMMIT")
                    return result
                } catch {
                    if !connection.isClosed { _ = try? transaction.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        } catch {
            throw translate(error)
        }
    }

    /// The second half of issue #11 replaces this query by LISTEN/NOTIFY: until then one cheap
    /// read of the counter the look-up tables' triggers bump.
    func changeToken() throws -> UInt64 {
        // One statement, one round trip: no transaction around it.
        let version: Int64?
        version = try readStatement { db in
            try db.fetchOne(sql: "SELECT version FROM registry_changes WHERE id = 1")?.decode("version", table: "registry_changes")
        }
        return changes.token(external: version ?? 0)
    }

    /// PostgreSQL has no `secure_delete`: a deleted row stays in its page until VACUUM reuses the
    /// space, and in the server's WAL until it is recycled. Erasure relies on crypto-shredding
    /// there — the customer's data key is wrapped under the master key, which never leaves the
    /// gateways' data directories — and this asks for the space to be reclaimed soon.
    func shredDeletedRows() {
        _ = try? connections.withConnection { connection in
            _ = try PostgresTransaction(connection: connection, logger: connections.logger).execute(sql: "VACUUM customers, phones, trackers, rights_requests, breaches")
        }
    }

    func schemaTables() throws -> [(table: String, columns: [String])] {
        try read { db in
            let rows = try db.fetchAll(sql: """
                SELECT c.table_name::text AS table_name, c.column_name::text AS column_name FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
                WHERE c.table_schema = current_schema() AND c.table_name <> 'registry_migrations'
                ORDER BY c.table_name, c.ordinal_position
                """)
            var tables: [(table: String, columns: [String])] = []
            for row in rows {
                let table: String = try row.decode("table_name", table: "information_schema.columns")
                let column: String = try row.decode("column_name", table: "information_schema.columns")
                if tables.last?.table == table { tables[tables.count - 1].columns.append(column) } else { tables.append((table, [column])) }
            }
            return tables
        }
    }

    func safeguards() throws -> StoreSafeguards {
        // Foreign keys are always enforced by PostgreSQL; no page is overwritten on delete.
        StoreSafeguards(secureDelete: false, foreignKeys: true, journalMode: "postgresql")
    }

    func close() throws {
        connections.closeAll()
    }

    // MARK: Gateways together (issue #11)

    /// One statement: a new digest is inserted; an expired claim, this gateway's own unfinished one
    /// (it restarted) or another's unfinished one older than the lease (that gateway died) is taken
    /// over. No row back means someone else holds it: done (a duplicate) or still at work.
    func claimRelay(digest: Data, gateway: String, window: Duration, lease: Duration) throws -> RelayClaim {
        let taken = try readStatement { db in
            try db.fetchOne(sql: """
                INSERT INTO relay_claims (digest, gateway, claimed_at, expires_at, done)
                VALUES (?, ?, now(), now() + ? * interval '1 second', 0)
                ON CONFLICT (digest) DO UPDATE SET
                    gateway = EXCLUDED.gateway, claimed_at = EXCLUDED.claimed_at,
                    done = CASE WHEN relay_claims.expires_at <= now() THEN 0 ELSE relay_claims.done END,
                    expires_at = CASE WHEN relay_claims.expires_at <= now() THEN EXCLUDED.expires_at ELSE relay_claims.expires_at END
                WHERE relay_claims.expires_at <= now()
                   OR (relay_claims.done = 0 AND (relay_claims.gateway = EXCLUDED.gateway
                       OR relay_claims.claimed_at <= now() - ? * interval '1 second'))
                RETURNING done
                """, arguments: [digest, gateway, Self.seconds(window), Self.seconds(lease)])
        }
        if taken != nil { return .mine(ticket: RelayClaim.Ticket(digest: digest)) }
        let done: Int64? = try readStatement { db in
            try db.fetchOne(sql: "SELECT done FROM relay_claims WHERE digest = ?", arguments: [digest])?.decode("done", table: "relay_claims")
        }
        // Gone between the two statements (purged as expired): nobody holds it any more.
        guard let done else { return try claimRelay(digest: digest, gateway: gateway, window: window, lease: lease) }
        return done == 1 ? .relayed : .elsewhere
    }

    func markRelayed(digest: Data, gateway: String) throws {
        _ = try readStatement { db in
            try db.execute(sql: "UPDATE relay_claims SET done = 1 WHERE digest = ? AND gateway = ?", arguments: [digest, gateway])
        }
    }

    func purgeRelayClaims() throws -> Int {
        try readStatement { db in try db.execute(sql: "DELETE FROM relay_claims WHERE expires_at <= now()") }
    }

    /// A session advisory lock on a connection kept for the job: released by the unlock, or by the
    /// server when the connection (the process) dies, so another gateway takes the next turn.
    func exclusively<T>(job name: String, _ body: () throws -> T) throws -> T? {
        let key = "hashtext(COALESCE(current_schema(), '') || ':trackerd.job.' || ?)"
        // The job's own error comes out as it is; only the lock's are the server's to translate.
        var outcome: Result<T, any Error>?
        do {
            try connections.withConnection { connection in
                let session = PostgresTransaction(connection: connection, logger: connections.logger)
                let locked: Int64? = try session.fetchOne(sql: "SELECT pg_try_advisory_lock(\(key)) AS locked", arguments: [name])?
                    .decode("locked", table: "pg_locks")
                guard locked == 1 else { return }
                outcome = Result { try body() }
                _ = try session.execute(sql: "SELECT pg_advisory_unlock(\(key))", arguments: [name])
            }
        } catch {
            throw translate(error)
        }
        return try outcome?.get()
    }

    private static func seconds(_ duration: Duration) -> Int64 {
        max(0, duration.components.seconds)
    }

    // MARK: Errors

    /// Translates postgres-nio's and NIO's errors into ``GatewayError``, passing ours through.
    func translate(_ error: any Error) -> GatewayError {
        Self.translate(error, url: url)
    }

    static func translate(_ error: any Error, url: PostgresRegistryURL) -> GatewayError {
        if let error = error as? GatewayError { return error }
        if let error = error as? PSQLError {
            if error.code == .server, let state = error.serverInfo?[.sqlState] {
                let message = error.serverInfo?[.message] ?? state
                switch state {
                case "28P01", "28000":
                    return .registryAccessDenied(server: url.server, role: url.user)
                case "3D000":
                    return .registryDatabaseMissing(server: url.server, database: url.database)
                case "57P01", "57P02", "57P03", "53300":
                    return .registryUnavailable(server: url.server, reason: message)
                case "42501":
                    return .registryAccessDenied(server: url.server, role: url.user)
                case "40001", "40P01", "55P03":
                    return .io(path: url.description, operation: "lock (\(message))", errno: EBUSY)
                default:
                    // The primary message names the rule and the constraint, never the values (those are in the detail).
                    if state.hasPrefix("23") { return .conflict(field: "database", reason: "a schema rule refused the change (\(message))") }
                    if state.hasPrefix("22") { return .invalidInput(field: "database", reason: "PostgreSQL refused a value (\(message))") }
                    return .io(path: url.description, operation: "PostgreSQL \(state) (\(message))", errno: EIO)
                }
            }
            switch error.code {
            case .sslUnsupported:
                return .registryUnavailable(server: url.server, reason: "the server does not offer TLS, which sslmode=\(url.sslMode.rawValue) requires")
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
                return .registryUnavailable(server: url.server, reason: Self.reason(error.underlying) ?? "the connection failed")
            case .authMechanismRequiresPassword, .saslError, .unsupportedAuthMechanism:
                return .registryAccessDenied(server: url.server, role: url.user)
            default:
                return .io(path: url.description, operation: "PostgreSQL (\(error.code))", errno: EIO)
            }
        }
        if let reason = reason(error) { return .registryUnavailable(server: url.server, reason: reason) }
        return .corruptData(path: url.description, reason: "unexpected error \(type(of: error))")
    }

    /// A short reason for a network-level failure, nil when `error` is not one.
    private static func reason(_ error: (any Error)?) -> String? {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as NIOConnectionError:
            return error.connectionErrors.first.map { String(describing: $0.error) } ?? "connection refused"
        case is ChannelError:
            return "the connection failed (\(String(describing: error!)))"
        case is NIOSSLError, is BoringSSLError:
            return "TLS failed (\(String(describing: error!)))"
        default:
            return nil
        }
    }
}
