/// Byte-level helpers for AT text, which is ASCII; kept free of Foundation so the engine
/// builds alone for the fuzzer.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let ctrlZ: UInt8 = 0x1A
    static let esc: UInt8 = 0x1B
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let greaterThan: UInt8 = 0x3E

    /// Bytes trimmed from both ends of a line: spaces, control bytes, DEL and 0xFF, which
    /// modems emit as padding or as noise while booting.
    @inline(__always)
    static func isTrimmable(_ byte: UInt8) -> Bool {
        byte <= space || byte == 0x7F || byte == 0xFF
    }

    @inline(__always)
    static func upper(_ byte: UInt8) -> UInt8 {
        (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    /// The slice without trimmable bytes at either end.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, isTrimmable(bytes[lower]) { lower += 1 }
        while upper > lower, isTrimmable(bytes[upper - 1]) { upper -= 1 }
        return bytes[lower..<upper]
    }

    /// Whether `bytes` starts with `prefix`, ignoring ASCII case.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: some Collection<UInt8>) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        var index = bytes.startIndex
        for expected in prefix {
            if upper(bytes[index]) != upper(expected) { return false }
            index += 1
        }
        return true
    }

    /// Whether the two are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ other: some Collection<UInt8>) -> Bool {
        bytes.count == other.count && hasPrefix(bytes, other)
    }

    /// The first index at which `needle` occurs in `haystack`, ignoring ASCII case.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where hasPrefix(haystack[start...], needle) {
            return start
        }
        return nil
    }

    /// Parses an unsigned decimal that fills the whole slice; nil if empty, not digits or too big.
    static func parseInt(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Lossy text of a line, for names and values handed to callers.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
