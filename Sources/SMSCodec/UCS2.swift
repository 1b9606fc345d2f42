/// UCS-2 user data, read as UTF-16 big-endian so characters outside the BMP (emoji) survive.
///
/// TS 23.038 §6.2.3 — UCS-2 (ISO/IEC 10646) in 16-bit units, most significant octet first.
/// Real phones send surrogate pairs in it, so we treat it as UTF-16BE.
public enum UCS2 {
    /// Big-endian UTF-16 octets for `text`.
    public static func encode(_ text: some StringProtocol) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf16.count * 2)
        for unit in text.utf16 {
            out.append(UInt8(unit >> 8))
            out.append(UInt8(unit & 0xFF))
        }
        return out
    }

    /// Number of 16-bit units `text` needs (a character outside the BMP needs two).
    public static func unitCount(_ text: some StringProtocol) -> Int {
        text.utf16.count
    }

    /// Text for big-endian UTF-16 octets; an unpaired surrogate becomes U+FFFD.
    /// Throws for an odd octet count, which cannot be UCS-2.
    public static func decode(_ octets: [UInt8], field: String = "TP-UD", offset: Int = 0) throws(PDUError) -> String {
        guard octets.count % 2 == 0 else {
            throw PDUError(field: field, offset: offset, reason: "UCS-2 data has an odd number of octets")
        }
        var units: [UInt16] = []
        units.reserveCapacity(octets.count / 2)
        var index = 0
        while index < octets.count {
            units.append(UInt16(octets[index]) << 8 | UInt16(octets[index + 1]))
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}
