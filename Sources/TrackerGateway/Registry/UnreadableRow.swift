/// A row a listing could not read: which one, and why — never what it holds.
///
/// Issue #9.3 — one hand-edited or damaged row must not hide every other row from `customer list`,
/// `phone list` or `tracker list`; the operator is told which row to look at.
public struct UnreadableRow: Sendable, Equatable, CustomStringConvertible {
    /// "customer", "phone" or "tracker".
    public var kind: String
    public var id: Int64
    /// Why it could not be read (a ``GatewayError/corruptData(path:reason:)`` naming table and column).
    public var error: GatewayError

    public init(kind: String, id: Int64, error: GatewayError) {
        self.kind = kind
        self.id = id
        self.error = error
    }

    /// `customer 7: unreadable (customers.status holds an unknown value)`.
    public var description: String {
        let reason: String
        if case .corruptData(let path, let why) = error {
            reason = "\(path) \(why)"
        } else {
            reason = error.description
        }
        return "\(kind) \(id): unreadable (\(reason))"
    }
}

/// What a listing read: every readable row, in id order, and the rows it could not read.
public struct PartialList<Element: Sendable>: Sendable {
    public var rows: [Element] = []
    public var unreadable: [UnreadableRow] = []

    public init(rows: [Element] = [], unreadable: [UnreadableRow] = []) {
        self.rows = rows
        self.unreadable = unreadable
    }

    /// The rows, or the first unreadable row's error: for callers that need the whole list.
    public func complete() throws -> [Element] {
        if let first = unreadable.first { throw first.error }
        return rows
    }

    /// Adds the row `read` gives, or notes `kind id` as unreadable when its data is bad.
    mutating func append(kind: String, id: Int64, _ read: () throws -> Element) throws {
        do {
            rows.append(try read())
        } catch let error as GatewayError {
            guard case .corruptData = error else { throw error }
            unreadable.append(UnreadableRow(kind: kind, id: id, error: error))
        }
    }
}

extension PartialList: Equatable where Element: Equatable {}
