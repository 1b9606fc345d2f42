/// Whether a reply fits the GSM 7-bit alphabet or must go as UCS-2.
///
/// TS 23.038 §6.2.1 — GSM 7-bit default alphabet and its extension table. The relay needs only
/// this yes/no for the replies it writes itself (a label may be in any script); a tracker's
/// own text keeps the coding it came in.
enum GSMAlphabet {
    private static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars
    )
    private static let extensionTable: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    static func needsUCS2(_ text: String) -> Bool {
        !text.unicodeScalars.allSatisfy { basic.contains($0) || extensionTable.contains($0) }
    }
}
