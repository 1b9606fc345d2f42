/// The character set of the user data.
public enum Alphabet: String, Sendable, Codable {
    case gsm7
    case ucs2
    case eightBit = "8bit"
}

/// Where the receiving phone should put the message. Class 0 is a "flash" SMS, shown at once
/// and not stored.
///
/// TS 23.038 §4 — message class bits of the data coding scheme.
public enum MessageClass: Int, Sendable {
    case flash = 0
    case mobileEquipment = 1
    case sim = 2
    case terminalEquipment = 3
}

/// TP-DCS: alphabet and message class.
///
/// TS 23.038 §4 — SMS data coding scheme. Coding groups 00xx/01xx (general data coding,
/// optionally marked for automatic deletion), 1100–1110 (message waiting indication) and
/// 1111 (data coding / message class) are understood; compressed text throws because its
/// body cannot be decoded; reserved groups 1000–1011 read as the GSM 7-bit alphabet.
public struct DataCodingScheme: Hashable, Sendable {
    public var rawValue: UInt8
    public var alphabet: Alphabet
    public var messageClass: MessageClass?

    /// The general-data-coding value for `alphabet` (with the class bit set when a class is given).
    public init(alphabet: Alphabet, messageClass: MessageClass? = nil) {
        let alphabetBits: UInt8 = switch alphabet {
        case .gsm7: 0x00
        case .eightBit: 0x04
        case .ucs2: 0x08
        }
        var raw = alphabetBits
        if let messageClass { raw |= 0x10 | UInt8(messageClass.rawValue) }
        self.rawValue = raw
        self.alphabet = alphabet
        self.messageClass = messageClass
    }

    /// Interprets a TP-DCS octet. `offset` is only used for the error.
    public init(rawValue: UInt8) throws(PDUError) {
        try self.init(rawValue: rawValue, offset: 0)
    }

    init(rawValue: UInt8, offset: Int) throws(PDUError) {
        self.rawValue = rawValue
        messageClass = nil
        switch rawValue >> 4 {
        case 0x0...0x7:
            // General data coding; bit 5 = compressed, bit 4 = class present, bits 3..2 = alphabet.
            if rawValue & 0x20 != 0 {
                throw PDUError(field: "TP-DCS", offset: offset, reason: "compressed user data is not supported")
            }
            alphabet = switch (rawValue >> 2) & 0x03 {
            case 1: .eightBit
            case 2: .ucs2
            default: .gsm7 // 3 is reserved; TS 23.038 says treat as the default alphabet
            }
            if rawValue & 0x10 != 0 { messageClass = MessageClass(rawValue: Int(rawValue & 0x03)) }
        case 0xC, 0xD:
            alphabet = .gsm7
        case 0xE:
            alphabet = .ucs2
        case 0xF:
            alphabet = rawValue & 0x04 != 0 ? .eightBit : .gsm7
            messageClass = MessageClass(rawValue: Int(rawValue & 0x03))
        default:
            alphabet = .gsm7
        }
    }
}
