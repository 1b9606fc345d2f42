import Foundation

/// One stored value as either backend hands it over: SQLite's five storage classes, which
/// PostgreSQL's column types (BIGINT/SMALLINT, TEXT, BYTEA, DOUBLE PRECISION) map onto.
///
/// Issue #11 — the registry's methods are written once over ``SQLTransaction``; this is the value
/// that crosses the seam in both directions.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A Swift value the registry binds as a statement argument or reads back from a row.
public protocol SQLValueConvertible: Sendable {
    var sqlValue: SQLValue { get }
    /// The value, or nil when `stored` is not what the schema keeps for this type.
    static func fromSQLValue(_ stored: SQLValue) -> Self?
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public static func fromSQLValue(_ stored: SQLValue) -> Int64? {
        // A fraction is never an id, a count or a time the registry wrote.
        if case .integer(let value) = stored { return value }
        return nil
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func fromSQLValue(_ stored: SQLValue) -> Int? {
        if case .integer(let value) = stored { return Int(exactly: value) }
        return nil
    }
}

extension Bool: SQLValueConvertible {
    /// Flags are kept as 0 or 1 in both schemas, so one SQL text (`consents = 1`) serves both.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func fromSQLValue(_ stored: SQLValue) -> Bool? {
        switch stored {
        case .integer(0): return false
        case .integer(1): return true
        default: return nil
        }
    }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public static func fromSQLValue(_ stored: SQLValue) -> Double? {
        switch stored {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public static func fromSQLValue(_ stored: SQLValue) -> String? {
        switch stored {
        case .text(let text): return text
        // Settings are written as blobs of UTF-8 digits; a hand-edit may have stored text instead.
        case .blob(let bytes): return String(data: bytes, encoding: .utf8)
        default: return nil
        }
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(self) }
    public static func fromSQLValue(_ stored: SQLValue) -> Data? {
        // Sealed values, keys and blind indexes are written as blobs; a text there is a hand-edit.
        if case .blob(let bytes) = stored { return bytes }
        return nil
    }
}

/// Statement arguments as call sites write them: `[phoneID, consents, nil]`.
public typealias SQLArguments = [(any SQLValueConvertible)?]

extension Array where Element == (any SQLValueConvertible)? {
    var sqlValues: [SQLValue] { map { $0?.sqlValue ?? .null } }
}
