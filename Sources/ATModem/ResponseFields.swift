/// Splits an information line such as `+CMGL: 1,0,,23` or `+CPMS: "SM",3,30` into its fields.
///
/// TS 27.007 §4.1: parameters are separated by commas; strings are quoted and may contain commas.
/// Modems differ in spacing after the colon and around commas, and in empty alpha fields;
/// all of that is accepted.
enum ResponseFields {
    /// The fields after `prefix:`, unquoted and trimmed; nil when the line has another prefix.
    static func fields(of line: String, prefix: String) -> [String]? {
        let trimmed = line.trimmingSpaces()
        guard trimmed.uppercased().hasPrefix(prefix.uppercased()) else { return nil }
        var rest = trimmed.dropFirst(prefix.count)
        guard rest.first == ":" || rest.isEmpty else { return nil }
        rest = rest.dropFirst()
        return split(String(rest))
    }

    /// Comma-separated values with double-quoted strings kept whole.
    static func split(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            switch character {
            case "\"":
                quoted.toggle()
            case "," where !quoted:
                fields.append(current.trimmingSpaces())
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current.trimmingSpaces())
        return fields
    }

    /// The value of a one-line answer such as `+CGMI`, with or without the echoed prefix.
    static func value(of lines: [String], prefix: String) -> String? {
        for line in lines {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            if let fields = fields(of: trimmed, prefix: prefix) { return fields.joined(separator: ",") }
            return trimmed
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
