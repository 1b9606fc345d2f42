import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL transaction on a borrowed connection, as an ``SQLTransaction``.
struct PostgresTransaction: SQLTransaction {
    let connection: PostgresConnection
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        if arguments.isEmpty {
            let statements = PostgresStatements.split(sql)
            var changed = 0
            for statement in statements { changed += try run(statement, []).metadata.rows ?? 0 }
            return changed
        }
        return try run(PostgresStatements.numberingPlaceholders(sql), arguments.sqlValues).metadata.rows ?? 0
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let result = try run(PostgresStatements.numberingPlaceholders(sql), arguments.sqlValues)
        guard let first = result.rows.first else { return [] }
        let columns = first.map { $0.columnName.lowercased() }
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map(Self.value)) }
    }

    func insert(sql: String, arguments: SQLArguments) throws -> Int64 {
        let rows = try fetchAll(sql: sql + " RETURNING id", arguments: arguments)
        guard let id: Int64 = try rows.first?.decode("id", table: "inserted row") else {
            throw GatewayError.corruptData(path: "registry", reason: "an INSERT returned no id")
        }
        return id
    }

    private func run(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait()
    }

    /// A cell as the registry's value: integers, text, bytes, reals; booleans as 0 or 1.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return .integer(try cell.decode(Int64.self))
        case .bool:
            return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8:
            return .real(try cell.decode(Double.self))
        case .bytea:
            return .blob(Data(try cell.decode(ByteBuffer.self).readableBytesView))
        default:
            return .text(try cell.decode(String.self))
        }
    }
}
