/// When 8-bit user data is really text: some phones and SMSCs send plain text with DCS 0x04.
///
/// TS 23.038 §4 calls 8-bit data "user defined", so nothing in the PDU says it is text; a
/// relay that dropped it as binary would lose a tracker's report. The bytes are read as text
/// when they are valid UTF-8 (printable ASCII being its subset) with no control character
/// other than tab and line breaks, and when nothing in the message says it is meant for an
/// application or the SIM (TS 23.040 §9.2.3.9 SIM/ME data download protocol identifiers,
/// §9.2.3.24.3–4 application port addressing, TS 23.038 class 2 "SIM specific").
enum EightBitText {
    /// Whether the message may be read as text at all, before its bytes are looked at.
    static func mayCarryText(coding: DataCodingScheme, protocolIdentifier: UInt8?, header: UserDataHeader?) -> Bool {
        guard coding.alphabet == .eightBit, coding.messageClass != .sim else { return false }
        if let protocolIdentifier, (0x7C...0x7F).contains(protocolIdentifier) { return false }
        if let header, header.elements.contains(where: { $0.identifier == 0x04 || $0.identifier == 0x05 }) { return false }
        return true
    }

    /// The text the bytes spell, or nil when they are not printable text (an empty body is not).
    static func text(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        for scalar in text.unicodeScalars where scalar.properties.generalCategory == .control {
            guard scalar == "\t" || scalar == "\n" || scalar == "\r" else { return nil }
        }
        return text
    }
}
