/// One command of an AT command line as a modem's interpreter sees it.
///
/// ITU-T V.250 §5.2.1 (command line), §5.3 (basic syntax), §5.4 (extended syntax).
struct ATCommand: Equatable, Sendable {
    /// How the command was written: `+CMGF`, `+CMGF?`, `+CMGF=?`, `+CMGF=0`.
    enum Form: Equatable, Sendable {
        case action
        case read
        case test
        case set(String)
    }

    /// Upper-cased name: `E`, `&F`, `S0`, `+CMGS`, `^CURC`, `D`.
    var name: String
    var form: Form

    /// The comma-separated parameters of a `.set` form, unquoted; an omitted one is `""`.
    var arguments: [String] {
        guard case .set(let raw) = form else { return [] }
        return ATCommandLine.splitArguments(raw)
    }

    /// Whether this is an extended-syntax command (`+CMGF`, `^CURC`) rather than a basic one.
    var isExtended: Bool { name.first.map { "+^$%*#".contains($0) } ?? false }
}

/// Splits the text after `AT` into commands, the way a modem's line interpreter does.
///
/// V.250 §5.2.1: spaces are ignored and letters are case-insensitive outside string
/// constants; basic commands follow each other directly (`ATE0V1`), extended ones are
/// separated by `;` (`AT+CMGF=0;+CNMI=2,1`).
enum ATCommandLine {
    /// Returns the commands, or `nil` when the line is not valid syntax (answered with `ERROR`).
    static func parse(_ body: [UInt8]) -> [ATCommand]? {
        let text = normalise(body)
        var commands: [ATCommand] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ";") {
                index += 1
                continue
            }
            if isExtendedPrefix(byte) {
                guard let (command, next) = parseExtended(text, from: index) else { return nil }
                commands.append(command)
                index = next
            } else if isLetter(byte) || byte == UInt8(ascii: "&") {
                guard let (command, next) = parseBasic(text, from: index) else { return nil }
                commands.append(command)
                index = next
            } else {
                return nil
            }
        }
        return commands
    }

    /// Splits extended-command parameters at commas outside quotes and removes the quotes.
    static func splitArguments(_ raw: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inQuotes = false
        for character in raw {
            if character == "\"" {
                inQuotes.toggle()
            } else if character == "," && !inQuotes {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current)
        return result
    }

    /// Drops spaces and control characters and upper-cases letters, both outside quotes only.
    private static func normalise(_ body: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var inQuotes = false
        for byte in body {
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                result.append(byte)
            } else if inQuotes {
                result.append(byte)
            } else if byte > 0x20 && byte < 0x7F {
                result.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
            }
        }
        return result
    }

    private static func isExtendedPrefix(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "^") || byte == UInt8(ascii: "$")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "#")
    }

    private static func isLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func parseExtended(_ text: [UInt8], from start: Int) -> (ATCommand, Int)? {
        var index = start + 1
        while index < text.count, text[index] != UInt8(ascii: "="), text[index] != UInt8(ascii: "?"),
            text[index] != UInt8(ascii: ";")
        {
            guard text[index] != UInt8(ascii: "\"") else { return nil }
            index += 1
        }
        guard index > start + 1 else { return nil }
        let name = String(decoding: text[start..<index], as: UTF8.self)
        guard index < text.count, text[index] != UInt8(ascii: ";") else {
            return (ATCommand(name: name, form: .action), index)
        }
        if text[index] == UInt8(ascii: "?") {
            return (ATCommand(name: name, form: .read), index + 1)
        }
        index += 1  // "="
        if index < text.count, text[index] == UInt8(ascii: "?") {
            return (ATCommand(name: name, form: .test), index + 1)
        }
        let valueStart = index
        var inQuotes = false
        while index < text.count {
            if text[index] == UInt8(ascii: "\"") { inQuotes.toggle() }
            if text[index] == UInt8(ascii: ";") && !inQuotes { break }
            index += 1
        }
        guard !inQuotes else { return nil }
        let value = String(decoding: text[valueStart..<index], as: UTF8.self)
        return (ATCommand(name: name, form: .set(value)), index)
    }

    private static func parseBasic(_ text: [UInt8], from start: Int) -> (ATCommand, Int)? {
        var index = start
        var name = ""
        if text[index] == UInt8(ascii: "&") {
            guard index + 1 < text.count, isLetter(text[index + 1]) else { return nil }
            name = "&" + String(UnicodeScalar(text[index + 1]))
            index += 2
        } else {
            name = String(UnicodeScalar(text[index]))
            index += 1
        }
        if name == "D" {
            // V.250 §6.3.1: the dial string runs to the end of the line (or a `;`).
            let value = String(decoding: text[index...], as: UTF8.self)
            return (ATCommand(name: name, form: .set(value)), text.count)
        }
        if name == "S" {
            let numberStart = index
            while index < text.count, isDigit(text[index]) { index += 1 }
            guard index > numberStart else { return nil }
            name += String(decoding: text[numberStart..<index], as: UTF8.self)
            if index < text.count, text[index] == UInt8(ascii: "?") {
                return (ATCommand(name: name, form: .read), index + 1)
            }
            guard index < text.count, text[index] == UInt8(ascii: "=") else {
                return (ATCommand(name: name, form: .action), index)
            }
            index += 1
        }
        if index < text.count, text[index] == UInt8(ascii: "?") {
            return (ATCommand(name: name, form: .read), index + 1)
        }
        let valueStart = index
        while index < text.count, isDigit(text[index]) { index += 1 }
        guard index > valueStart else { return (ATCommand(name: name, form: .action), index) }
        let value = String(decoding: text[valueStart..<index], as: UTF8.self)
        return (ATCommand(name: name, form: .set(value)), index)
    }
}
