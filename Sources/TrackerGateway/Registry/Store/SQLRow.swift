import Foundation

/// One result row from either backend, with checked decoding: a value the schema would not hold
/// is a typed error naming the table and the column, never a trap.
///
/// Issue #9.2 — SQLite's type affinity lets a hand-edited text into an INTEGER column, so every
/// read of a stored value goes through these; PostgreSQL's column types refuse such an edit, and
/// its CHECKs refuse most others, but the same checks run on its rows too. A PII column (a sealed
/// field, a data key, a blind index, a setting's value) never shows its value in the error
/// (DESIGN.md invariant 6); other columns show a short printable value, so the operator can find it.
public struct SQLRow: Sendable {
    /// Column names as the statement named them (lower case: PostgreSQL folds unquoted names).
    let columns: [String]
    let values: [SQLValue]

    init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count, "a row has one value per column")
        self.columns = columns
        self.values = values
    }

    /// The leftmost column of that name (as `SELECT t.*, c.status` has it), nil when absent.
    func value(_ column: String) -> SQLValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    /// The non-NULL value of `column`, or ``GatewayError/corruptData(path:reason:)`` naming `table.column`.
    func decode<T: SQLValueConvertible>(_ column: String, table: String, as type: T.Type = T.self) throws -> T {
        guard let value: T = try decodeIfPresent(column, table: table) else {
            throw GatewayError.corruptData(path: "\(table).\(column)", reason: "holds no value where the schema keeps \(Self.expected(T.self))")
        }
        return value
    }

    /// The value of `column`, nil when NULL; a value of the wrong type throws.
    func decodeIfPresent<T: SQLValueConvertible>(_ column: String, table: String, as type: T.Type = T.self) throws -> T? {
        try decode(column, table: table, expected: Self.expected(T.self)) { T.fromSQLValue($0) }
    }

    /// A time the registry stores as whole seconds since 1970.
    func decodeDate(_ column: String, table: String) throws -> Date {
        guard let date = try decodeDateIfPresent(column, table: table) else {
            throw GatewayError.corruptData(path: "\(table).\(column)", reason: "holds no value where the schema keeps \(Self.secondsDescription)")
        }
        return date
    }

    func decodeDateIfPresent(_ column: String, table: String) throws -> Date? {
        try decode(column, table: table, expected: Self.secondsDescription) { stored in
            guard case .integer(let seconds) = stored else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }

    /// A text column that holds one of an enum's raw values (a status, a model, an audit action).
    func decodeCase<T: RawRepresentable>(_ column: String, table: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        let raw: String = try decode(column, table: table)
        guard let value = T(rawValue: raw) else {
            throw GatewayError.corruptData(path: "\(table).\(column)", reason: "holds an unknown value")
        }
        return value
    }

    /// The same for a column that may be NULL.
    func decodeCaseIfPresent<T: RawRepresentable>(_ column: String, table: String, as type: T.Type = T.self) throws -> T? where T.RawValue == String {
        guard let raw: String = try decodeIfPresent(column, table: table) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw GatewayError.corruptData(path: "\(table).\(column)", reason: "holds an unknown value")
        }
        return value
    }

    // MARK: The one check

    /// The value of `column` converted by `convert`, nil when NULL; `expected` says what the schema
    /// keeps there when `convert` refuses the stored value.
    func decode<T>(_ column: String, table: String, expected: String, _ convert: (SQLValue) -> T?) throws -> T? {
        let path = "\(table).\(column)"
        guard let stored = value(column) else {
            // Our own query names the column; a row without it is a schema that was altered by hand.
            throw GatewayError.corruptData(path: path, reason: "is missing; the schema was altered")
        }
        if stored.isNull { return nil }
        guard let value = convert(stored) else {
            throw GatewayError.corruptData(path: path, reason: "holds \(Self.shown(stored, column: column)) where the schema keeps \(expected)")
        }
        return value
    }

    private static let secondsDescription = "a time in whole seconds"

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "0 or 1"
        case is Int64.Type, is Int.Type: return "an integer"
        case is String.Type: return "text"
        case is Data.Type: return "a blob"
        default: return "a \(type)"
        }
    }

    /// Columns whose value is PII or secret: never repeated in an error.
    private static func isSecret(_ column: String) -> Bool {
        column.hasSuffix("_sealed") || ["wrapped_key", "blind_index", "value"].contains(column)
    }

    /// The offending value as an error may show it: short printable non-PII values only.
    private static func shown(_ value: SQLValue, column: String) -> String {
        let unreadable = "an unreadable value"
        guard !isSecret(column) else { return unreadable }
        switch value {
        case .integer(let number):
            return String(number)
        case .real(let number):
            return String(number)
        case .text(let text) where text.count <= 32 && text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) && $0 != "'" }):
            return "'\(text)'"
        case .blob(let bytes):
            return "a blob of \(bytes.count) bytes"
        case .text, .null:
            return unreadable
        }
    }
}
