import Foundation

/// Header text that survives any mail system: RFC 2047 encoded-words for what is not plain ASCII.
///
/// RFC 2047 §2 (`=?UTF-8?B?…?=`, at most 75 characters each), §5 (where encoded-words may stand: in
/// a phrase and in unstructured text), §6.2 (folding white space between adjacent encoded-words is
/// dropped by the reader, so a long text may span several). RFC 5322 §3.2.4 quoted strings for an
/// ASCII display name with specials, §2.2.3 folding. Anything with a control character is encoded,
/// so no value can ever end a header line early.
public enum MailHeaderEncoding {
    /// The longest encoded-word RFC 2047 §2 allows.
    public static let maximumEncodedWordLength = 75
    /// Bytes of UTF-8 per encoded-word: 45 bytes are 60 base64 characters, 72 with `=?UTF-8?B?` and `?=`.
    static let bytesPerEncodedWord = 45

    /// A display name (RFC 5322 `phrase`): atoms as they are, a quoted string for ASCII with
    /// specials, encoded-words for anything else.
    public static func phrase(_ text: String) -> String {
        guard isPlainASCII(text) else { return encodedWords(text).joined(separator: " ") }
        let atomText = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if text.allSatisfy({ atomText.contains($0) }) && !text.contains("  ") { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// Unstructured text (`Subject`), as the value after `Name: `; long values are folded with
    /// a newline and a space, which `sendmail -t` passes on as CRLF + space.
    public static func unstructured(_ text: String, headerName: String) -> String {
        guard isPlainASCII(text) else { return encodedWords(text).joined(separator: "\n ") }
        return fold(text, firstLineUsed: headerName.count + 2)
    }

    /// `text` as encoded-words of whole UTF-8 characters, each at most 75 characters long.
    public static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerEncodedWord && !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// Printable ASCII only, and nothing a reader could take for the start of an encoded-word.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
    }

    /// Breaks before spaces so no line passes 78 characters where a space allows (RFC 5322 §2.1.1,
    /// §2.2.3: the reader removes the line break and keeps the space).
    static func fold(_ text: String, firstLineUsed: Int) -> String {
        let limit = 78
        var lines: [String] = []
        var line: String?
        var used = firstLineUsed
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let current = line else {
                line = String(word)
                continue
            }
            if used + current.count + 1 + word.count > limit {
                lines.append(current)
                line = String(word)
                used = 1
            } else {
                line = current + " " + word
            }
        }
        lines.append(line ?? "")
        return lines.joined(separator: "\n ")
    }
}
