/// Hexadecimal text ⇄ bytes, as modems print PDUs after `+CMGR:`/`+CMT:`/`+CMGL:`.
///
/// TS 27.005 §3.1 — in PDU mode the PDU is given as hexadecimal characters, two per octet.
public enum Hex {
    /// Decodes hex text (either case). Surrounding spaces and line ends are ignored.
    ///
    /// Throws with `field` "hex" and the byte offset (character index / 2) of the bad digit.
    public static func decode(_ s: String) throws(PDUError) -> [UInt8] {
        var utf8 = Array(s.utf8)[...]
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, isSpace(last) { utf8 = utf8.dropLast() }
        guard utf8.count % 2 == 0 else {
            throw PDUError(field: "hex", offset: utf8.count / 2, reason: "odd number of hex digits")
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = utf8.startIndex
        while index < utf8.endIndex {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw PDUError(field: "hex", offset: out.count, reason: "not a hex digit")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Encodes bytes as uppercase hex, the form modems expect after `AT+CMGS=`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
