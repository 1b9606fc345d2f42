import Foundation

/// The two text rewrites the PostgreSQL backend needs: `?` placeholders as `$1, $2, …`, and a
/// script of several statements as single statements (the extended protocol runs one at a time).
///
/// Issue #11 — the registry's SQL is written once with `?`; both scans skip quoted strings,
/// quoted names, `--` comments and `$tag$ … $tag$` bodies, so a `?` or `;` inside them stays.
enum PostgresStatements {
    /// `sql` with its `?` placeholders numbered in order.
    static func numberingPlaceholders(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        scan(sql) { piece, isCode in
            guard isCode else { output += piece; return }
            for character in piece {
                if character == "?" {
                    number += 1
                    output += "$\(number)"
                } else {
                    output.append(character)
                }
            }
        }
        return output
    }

    /// The statements of a script, each without its `;`, empty ones left out.
    static func split(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        scan(script) { piece, isCode in
            guard isCode else { current += piece; return }
            for character in piece {
                if character == ";" {
                    statements.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && !isOnlyComments($0) }
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Hands `body` the text in order, in pieces that are code (`true`) or quoted/commented (`false`).
    private static func scan(_ sql: String, _ body: (Substring, Bool) -> Void) {
        var index = sql.startIndex
        var codeStart = index
        func flushCode(upTo end: String.Index) {
            if codeStart < end { body(sql[codeStart..<end], true) }
        }
        while index < sql.endIndex {
            let character = sql[index]
            var closing: String?
            if character == "'" || character == "\"" {
                closing = String(character)
            } else if character == "-", sql[index...].hasPrefix("--") {
                closing = "\n"
            } else if character == "$", let tag = dollarTag(in: sql, at: index) {
                closing = tag
            }
            guard let closing else {
                index = sql.index(after: index)
                continue
            }
            flushCode(upTo: index)
            let openingLength = closing.hasPrefix("$") ? closing.count : (closing == "\n" ? 2 : 1)
            let searchStart = sql.index(index, offsetBy: openingLength)
            let end = sql[searchStart...].range(of: closing)?.upperBound ?? sql.endIndex
            body(sql[index..<end], false)
            index = end
            codeStart = end
        }
        flushCode(upTo: sql.endIndex)
    }

    /// `$tag$` or `$$` starting at `index`, nil for a `$1` placeholder or a lone `$`.
    private static func dollarTag(in sql: String, at index: String.Index) -> String? {
        var cursor = sql.index(after: index)
        while cursor < sql.endIndex, sql[cursor] == "_" || sql[cursor].isLetter {
            cursor = sql.index(after: cursor)
        }
        guard cursor < sql.endIndex, sql[cursor] == "$" else { return nil }
        return String(sql[index...cursor])
    }
}
