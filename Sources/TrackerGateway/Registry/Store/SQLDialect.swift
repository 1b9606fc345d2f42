/// Which SQL a transaction speaks, and the few fragments that differ between the two.
///
/// Issue #11 — most registry SQL is portable (`ON CONFLICT … DO UPDATE`, `||`, `COALESCE`,
/// `length`, CTEs, `UNION ALL`); what is not is named here once, never as two copies of a method.
public enum SQLDialect: String, Sendable, Equatable, CaseIterable {
    case sqlite
    case postgres

    /// An aggregate joining `expression` (text) over the group with `separator`.
    func groupConcat(_ expression: String, separator: String) -> String {
        switch self {
        case .sqlite: return "group_concat(\(expression), '\(separator)')"
        case .postgres: return "string_agg(\(expression), '\(separator)')"
        }
    }
}
