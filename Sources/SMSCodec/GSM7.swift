/// The GSM 7-bit default alphabet, its extension table, and septet packing.
///
/// TS 23.038 §6.2.1 — default alphabet; §6.2.1.1 — extension table reached through the
/// escape septet 0x1B, so each extension character costs two septets; §6.1.2.1.1 — packing
/// of septets into octets, least significant bit first.
public enum GSM7 {
    /// The escape septet that selects the extension table.
    public static let escape: UInt8 = 0x1B

    /// Default alphabet, indexed by septet value.
    static let basic: [Unicode.Scalar] = {
        let table: [UInt32] = [
            0x40, 0xA3, 0x24, 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, 0x0A, 0xD8, 0xF8, 0x0D, 0xC5, 0xE5,
            0x394, 0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xA0, 0xC6, 0xE6, 0xDF, 0xC9,
            0x20, 0x21, 0x22, 0x23, 0xA4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F,
            0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
            0xA1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F,
            0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
            0xBF, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F,
            0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
        ]
        // 0x1B is the escape, never a character of its own; the placeholder (NBSP) is never
        // looked up for encoding because `encodeTable` skips it.
        return table.map { Unicode.Scalar($0)! }
    }()

    /// Extension table: septet after the escape → character.
    static let extensionTable: [UInt8: Unicode.Scalar] = [
        0x0A: "\u{0C}", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
        0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
    ]

    private static let encodeTable: [Unicode.Scalar: [UInt8]] = {
        var table: [Unicode.Scalar: [UInt8]] = [:]
        for (septet, scalar) in basic.enumerated() where septet != Int(escape) {
            table[scalar] = [UInt8(septet)]
        }
        for (septet, scalar) in extensionTable {
            table[scalar] = [escape, septet]
        }
        // Many phones send a small c-cedilla for 0x09; accept it when encoding.
        table["ç"] = [0x09]
        return table
    }()

    /// The septets for one scalar (one, or two for an extension character), or nil when the
    /// scalar is not in the default alphabet or its extension table.
    public static func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if scalar.value < 0x80, let fast = asciiSeptets[Int(scalar.value)] { return fast }
        return encodeTable[scalar]
    }

    private static let asciiSeptets: [[UInt8]?] = (0..<0x80).map { value in
        encodeTable[Unicode.Scalar(UInt8(value))]
    }

    /// Number of septets `text` needs, or nil when some character is not encodable.
    public static func septetCount(_ text: some StringProtocol) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard let septets = septets(for: scalar) else { return nil }
            count += septets.count
        }
        return count
    }

    /// Whether every character of `text` is in the default alphabet or its extension.
    public static func canEncode(_ text: some StringProtocol) -> Bool {
        septetCount(text) != nil
    }

    /// Septets for `text`, or nil when some character is not encodable.
    public static func encode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard let septets = septets(for: scalar) else { return nil }
            out.append(contentsOf: septets)
        }
        return out
    }

    /// Text for septets. Never fails: TS 23.038 §6.2.1.1 says an unknown extension code shows
    /// the default-alphabet character, and escape-escape (or a trailing escape) shows a space.
    public static func decode(_ septets: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var escaped = false
        for raw in septets {
            let septet = raw & 0x7F
            if escaped {
                escaped = false
                if septet == escape {
                    scalars.append(" ")
                } else {
                    scalars.append(extensionTable[septet] ?? basic[Int(septet)])
                }
            } else if septet == escape {
                escaped = true
            } else {
                scalars.append(basic[Int(septet)])
            }
        }
        if escaped { scalars.append(" ") }
        return String(scalars)
    }

    /// Packs septets into octets, LSB first, after `fillBits` zero bits.
    ///
    /// TS 23.040 §9.2.3.24 — fill bits make the text after a user data header start on a
    /// septet boundary.
    public static func pack(_ septets: [UInt8], fillBits: Int = 0) -> [UInt8] {
        precondition((0..<7).contains(fillBits), "fill bits are 0...6")
        let totalBits = fillBits + septets.count * 7
        var out = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        var bit = fillBits
        for septet in septets {
            let value = UInt16(septet & 0x7F) << UInt16(bit % 8)
            out[bit / 8] |= UInt8(truncatingIfNeeded: value)
            if value > 0xFF { out[bit / 8 + 1] |= UInt8(truncatingIfNeeded: value >> 8) }
            bit += 7
        }
        return out
    }

    /// Unpacks `count` septets from `octets`, skipping `fillBits` leading bits.
    /// The caller guarantees the octets hold that many bits.
    public static func unpack(_ octets: [UInt8], count: Int, fillBits: Int = 0) -> [UInt8] {
        precondition(count >= 0 && fillBits >= 0)
        precondition(octets.count * 8 >= fillBits + count * 7, "not enough octets for the septets")
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var bit = fillBits
        for _ in 0..<count {
            let index = bit / 8
            var value = UInt16(octets[index])
            if index + 1 < octets.count { value |= UInt16(octets[index + 1]) << 8 }
            out.append(UInt8(truncatingIfNeeded: value >> UInt16(bit % 8)) & 0x7F)
            bit += 7
        }
        return out
    }
}
