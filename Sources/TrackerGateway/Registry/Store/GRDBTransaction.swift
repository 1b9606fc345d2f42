import Foundation
import GRDB

/// A GRDB `Database` inside one of the pool's transactions, as an ``SQLTransaction``.
struct GRDBTransaction: SQLTransaction {
    let db: Database

    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        if arguments.isEmpty {
            try db.execute(sql: sql)
        } else {
            try db.execute(sql: sql, arguments: StatementArguments(arguments.sqlValues.map(Self.databaseValue)))
        }
        return db.changesCount
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        // Cached: the sender lookup runs the same statement on every relay.
        let statement = try db.cachedStatement(sql: sql)
        let rows = try Row.fetchAll(statement, arguments: StatementArguments(arguments.sqlValues.map(Self.databaseValue)))
        let columns = statement.columnNames.map { $0.lowercased() }
        return rows.map { row in SQLRow(columns: columns, values: row.databaseValues.map(Self.sqlValue)) }
    }

    func insert(sql: String, arguments: SQLArguments) throws -> Int64 {
        try execute(sql: sql, arguments: arguments)
        return db.lastInsertedRowID
    }

    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .real(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes): return bytes.databaseValue
        }
    }

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .real(number)
        case .string(let text): return .text(text)
        case .blob(let bytes): return .blob(bytes)
        }
    }
}
