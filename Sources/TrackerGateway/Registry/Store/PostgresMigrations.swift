import Foundation

/// Runs and checks PostgreSQL's migrations (``PostgresSchema``), recorded in `registry_migrations`.
enum PostgresMigrations {
    /// Whether the schema holds a registry: its migrations table exists.
    static func isInitialised(_ store: PostgresRegistryStore) throws -> Bool {
        try store.read { db in
            try db.count(sql: """
                SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'registry_migrations'
                """) > 0
        }
    }

    /// Checked at every open: refuses a registry migrated by a newer trackerd, and applies what is
    /// missing — only then writing, so a gateway whose registry is current opens it with one read.
    static func migrate(_ store: PostgresRegistryStore) throws {
        let applied = try store.read { db in try appliedMigrations(in: db) }
        try refuseUnknown(applied)
        guard PostgresSchema.migrations.contains(where: { !applied.contains($0.name) }) else { return }
        try store.write { db in try apply(in: db, time: Date()) }
    }

    private static func appliedMigrations(in db: any SQLTransaction) throws -> [String] {
        try db.fetchColumn(sql: "SELECT identifier FROM registry_migrations ORDER BY identifier", column: "identifier",
                           table: "registry_migrations", as: String.self)
    }

    private static func refuseUnknown(_ applied: [String]) throws {
        let known = PostgresSchema.migrations.map(\.name)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw GatewayError.corruptData(path: "registry_migrations", reason: "records migration '\(unknown.prefix(40))', which this trackerd does not know; it was made by a newer trackerd")
        }
    }

    /// Inside a write: creates the migrations table when missing, locks it (another gateway may be
    /// opening the same registry), and applies every migration not yet recorded, in order.
    static func apply(in db: any SQLTransaction, time: Date) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS registry_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        try db.execute(sql: "LOCK TABLE registry_migrations IN EXCLUSIVE MODE")
        let applied = try appliedMigrations(in: db)
        try refuseUnknown(applied)
        for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
            try db.execute(sql: migration.script)
            try db.execute(sql: "INSERT INTO registry_migrations (identifier, applied_at) VALUES (?, ?)",
                           arguments: [migration.name, Int64(time.timeIntervalSince1970.rounded(.down))])
        }
    }
}
