import Foundation

/// What a registered phone asked for.
///
/// DESIGN.md "Receiving and relaying" — a registered phone → a keyword:
/// `LOCATE [label]`, `STOP`, `START`, `HELP`.
public enum PhoneKeyword: Sendable, Equatable {
    /// Ask a tracker for its position; `label` is nil when none was given. The label keeps its
    /// case (labels match case-insensitively) with inner white space collapsed to one space.
    case locate(label: String?)
    case stop
    case start
    case help
    /// Anything else; the relay answers it with the HELP text.
    case unrecognised
}

/// Reads a keyword out of a phone's SMS: case and spacing are ignored.
///
/// DESIGN.md "Receiving and relaying" (case- and space-insensitive keywords). Pure: text in,
/// keyword out. `"  locate   Car "` is `.locate(label: "Car")`. STOP, START and HELP must be the
/// whole message, so "stop the car" is not an opt-out. Trailing `.`, `!` and `?` are ignored
/// ("HELP?", "Stop.").
public enum KeywordParser {
    public static func parse(_ text: String) -> PhoneKeyword {
        var words = text
            .split(whereSeparator: { $0.isWhitespace || $0.isNewline })
            .map(String.init)
        while let last = words.last {
            let stripped = String(last.reversed().drop(while: { ".!?".contains($0) }).reversed())
            if stripped.isEmpty {
                words.removeLast()
            } else {
                words[words.count - 1] = stripped
                break
            }
        }
        guard let first = words.first else { return .unrecognised }
        let keyword = first.uppercased()
        let rest = words.dropFirst()
        switch keyword {
        case "LOCATE":
            return .locate(label: rest.isEmpty ? nil : rest.joined(separator: " "))
        case "STOP" where rest.isEmpty:
            return .stop
        case "START" where rest.isEmpty:
            return .start
        case "HELP" where rest.isEmpty:
            return .help
        default:
            return .unrecognised
        }
    }

    /// A label as compared: white space collapsed, case folded.
    static func normalisedLabel(_ label: String) -> String {
        label.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
            .joined(separator: " ")
            .lowercased()
    }
}
