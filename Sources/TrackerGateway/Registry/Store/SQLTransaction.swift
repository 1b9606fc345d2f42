import Foundation

/// The registry's one view of a database transaction: run a statement, fetch rows, insert a row
/// and learn its id — whichever backend is behind it.
///
/// Issue #11. Statements are written with `?` placeholders in SQL both SQLite and PostgreSQL
/// accept; where the dialects differ, the few fragments come from ``SQLDialect``. Every method
/// runs inside the transaction the store opened for the closure, and throws the backend's error
/// as a ``GatewayError`` once the store translated it.
public protocol SQLTransaction {
    var dialect: SQLDialect { get }

    /// Runs one statement (or, without arguments, several separated by `;`); returns how many rows
    /// it changed.
    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int

    /// Every row one statement returns.
    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow]

    /// Runs one INSERT into a table with an `id` key and returns the new row's id.
    func insert(sql: String, arguments: SQLArguments) throws -> Int64
}

extension SQLTransaction {
    @discardableResult
    func execute(sql: String) throws -> Int {
        try execute(sql: sql, arguments: [])
    }

    func fetchAll(sql: String) throws -> [SQLRow] {
        try fetchAll(sql: sql, arguments: [])
    }

    /// The first row, nil when there is none.
    func fetchOne(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql: sql, arguments: arguments).first
    }

    /// One column of every row, checked (`SELECT id … ORDER BY id`).
    func fetchColumn<T: SQLValueConvertible>(sql: String, arguments: SQLArguments = [], column: String, table: String, as type: T.Type = T.self) throws -> [T] {
        try fetchAll(sql: sql, arguments: arguments).map { try $0.decode(column, table: table) }
    }

    /// `SELECT COUNT(*) AS n …`.
    func count(sql: String, arguments: SQLArguments = []) throws -> Int {
        try fetchOne(sql: sql, arguments: arguments)?.decode("n", table: "count") ?? 0
    }
}
