/// The quoted-printable content transfer encoding of a UTF-8 text body.
///
/// RFC 2045 §6.7: printable ASCII other than `=` stands for itself (rule 2); every other byte is
/// `=XX` in upper-case hex (rule 1); a space or tab at the end of a line is encoded (rule 3); line
/// breaks are hard breaks (rule 4); no encoded line is longer than 76 characters, longer ones end
/// in a soft break `=` (rule 5). Two extras keep the text intact through old MTAs: a line starting
/// with `From ` gets its `F` encoded (mbox would write `>From`), and a line holding only `.` gets
/// it encoded (an SMTP end-of-data without `-oi`).
public enum QuotedPrintable {
    public static let maximumLineLength = 76

    /// The encoded body, lines separated by `\n` and ending in one; CRLF and CR in `text` become line breaks.
    public static func encode(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            output += encodeLine(Array(line.utf8))
        }
        return output.joined(separator: "\n") + "\n"
    }

    /// One input line as one or more output lines (all but the last ending in a soft break).
    static func encodeLine(_ bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        for (offset, byte) in bytes.enumerated() {
            let isLast = offset == bytes.count - 1
            let literal: Bool
            switch byte {
            case 0x20, 0x09: literal = !isLast
            case 0x3D: literal = false
            case 0x21...0x7E: literal = true
            default: literal = false
            }
            tokens.append(literal ? String(UnicodeScalar(byte)) : escape(byte))
        }
        if bytes.starts(with: Array("From ".utf8)) { tokens[0] = escape(UInt8(ascii: "F")) }
        if bytes == [UInt8(ascii: ".")] { tokens[0] = escape(UInt8(ascii: ".")) }

        var lines: [String] = []
        var current = ""
        for token in tokens {
            // Room is kept for the soft break's `=`, and an `=XX` is never split.
            if current.count + token.count > maximumLineLength - 1 {
                lines.append(current + "=")
                current = ""
            }
            current += token
        }
        lines.append(current)
        return lines
    }

    static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
    }

    /// Decodes what ``encode(_:)`` wrote (and any RFC 2045 text); the final line break ends the
    /// body and is not part of it. Nil for a malformed `=` escape.
    public static func decode(_ encoded: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var lines = encoded.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        for (index, rawLine) in lines.enumerated() {
            var line = Array(rawLine.utf8)
            while let last = line.last, last == 0x20 || last == 0x09 { line.removeLast() }
            var soft = false
            if line.last == UInt8(ascii: "=") {
                soft = true
                line.removeLast()
            }
            var position = 0
            while position < line.count {
                if line[position] == UInt8(ascii: "=") {
                    guard position + 2 < line.count, let high = hexValue(line[position + 1]), let low = hexValue(line[position + 2]) else { return nil }
                    bytes.append(high << 4 | low)
                    position += 3
                } else {
                    bytes.append(line[position])
                    position += 1
                }
            }
            if !soft && index < lines.count - 1 { bytes.append(0x0A) }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
