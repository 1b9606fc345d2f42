/// TON: how the digits of an address are to be read.
///
/// TS 23.040 §9.1.2.5 — type-of-number bits 6..4 of the type-of-address octet.
public enum TypeOfNumber: UInt8, Sendable {
    case unknown = 0, international, national, networkSpecific, subscriber, alphanumeric, abbreviated, reserved
}

/// A phone number or alphanumeric sender, as carried in TP-OA / TP-DA / TP-RA and the SMSC field.
///
/// TS 23.040 §9.1.2.5 — address fields; §9.1.2.3 — semi-octet digits, where 0xA–0xE are
/// `*`, `#`, `a`, `b`, `c` and 0xF fills an odd last octet.
public struct PhoneAddress: Hashable, Sendable, CustomStringConvertible {
    public var typeOfNumber: TypeOfNumber
    /// NPI, bits 3..0 of the type-of-address octet; 1 = ISDN/E.164.
    public var numberingPlan: UInt8
    /// Digits without '+', or the alphanumeric text.
    public var value: String

    public init(typeOfNumber: TypeOfNumber, numberingPlan: UInt8 = 1, value: String) {
        self.typeOfNumber = typeOfNumber
        self.numberingPlan = numberingPlan
        self.value = value
    }

    /// "+4917…" → international; digits (and `*#abc`) → unknown; anything else → alphanumeric.
    public init(parsing text: String) {
        if text.hasPrefix("+"), text.count > 1, text.dropFirst().unicodeScalars.allSatisfy(Self.isSemiOctetDigit) {
            self.init(typeOfNumber: .international, value: String(text.dropFirst()))
        } else if !text.isEmpty, text.unicodeScalars.allSatisfy(Self.isSemiOctetDigit) {
            self.init(typeOfNumber: .unknown, value: text)
        } else {
            self.init(typeOfNumber: .alphanumeric, numberingPlan: 0, value: text)
        }
    }

    /// "+<digits>" for an international number, the value otherwise.
    public var description: String {
        typeOfNumber == .international ? "+" + value : value
    }

    /// The type-of-address octet (bit 7 always set).
    public var typeOctet: UInt8 {
        0x80 | (typeOfNumber.rawValue & 0x07) << 4 | (numberingPlan & 0x0F)
    }

    static func isSemiOctetDigit(_ scalar: Unicode.Scalar) -> Bool {
        semiOctet(for: scalar) != nil
    }

    static func semiOctet(for scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "0"..."9": UInt8(scalar.value - 0x30)
        case "*": 0xA
        case "#": 0xB
        case "a", "A": 0xC
        case "b", "B": 0xD
        case "c", "C": 0xE
        default: nil
        }
    }

    static let semiOctetCharacters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "a", "b", "c"]
}

// MARK: - Wire format

extension PhoneAddress {
    /// Longest TP address value: 10 octets = 20 semi-octets (TS 23.040 §9.1.2.5).
    static let maximumSemiOctets = 20

    /// Encodes a TP-OA/TP-DA/TP-RA field: digit count (or semi-octets used), type, value.
    func encodeTPAddress(field: String, offset: Int) throws(PDUError) -> [UInt8] {
        if typeOfNumber == .alphanumeric {
            guard let septets = GSM7.encode(value) else {
                throw PDUError(field: field, offset: offset, reason: "alphanumeric address not in GSM 7-bit alphabet")
            }
            let packed = GSM7.pack(septets)
            let semiOctets = (septets.count * 7 + 3) / 4
            guard semiOctets <= Self.maximumSemiOctets else {
                throw PDUError(field: field, offset: offset, reason: "alphanumeric address longer than 11 characters")
            }
            return [UInt8(semiOctets), typeOctet] + packed
        }
        let digits = try semiOctets(field: field, offset: offset)
        guard digits.count <= Self.maximumSemiOctets else {
            throw PDUError(field: field, offset: offset, reason: "address longer than 20 digits")
        }
        return [UInt8(digits.count), typeOctet] + Self.swapPack(digits)
    }

    /// Encodes the SMSC field of a modem PDU: octet count (type included), type, value.
    func encodeSMSC(offset: Int) throws(PDUError) -> [UInt8] {
        let tp = try encodeTPAddress(field: "SMSC", offset: offset)
        return [UInt8(tp.count - 1)] + tp.dropFirst()
    }

    private func semiOctets(field: String, offset: Int) throws(PDUError) -> [UInt8] {
        var digits: [UInt8] = []
        for scalar in value.unicodeScalars {
            guard let digit = Self.semiOctet(for: scalar) else {
                throw PDUError(field: field, offset: offset, reason: "address has a character that is not a semi-octet digit")
            }
            digits.append(digit)
        }
        return digits
    }

    private static func swapPack(_ digits: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((digits.count + 1) / 2)
        var index = 0
        while index < digits.count {
            let low = digits[index]
            let high: UInt8 = index + 1 < digits.count ? digits[index + 1] : 0x0F
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Decodes a TP-OA/TP-DA/TP-RA field (length counts useful semi-octets, or, leniently,
    /// the filler of an odd last octet too: TS 23.040 §9.1.2.5 says it counts digits only).
    static func decodeTPAddress(_ reader: inout ByteReader, field: String) throws(PDUError) -> PhoneAddress {
        let start = reader.position
        let semiOctets = Int(try reader.byte(field))
        let type = try reader.byte(field)
        let octets = try reader.bytes((semiOctets + 1) / 2, field)
        return try decodeValue(type: type, octets: octets, semiOctets: semiOctets, field: field, offset: start)
    }

    /// Decodes the SMSC field (length counts octets, type included); nil when the length is 0.
    static func decodeSMSC(_ reader: inout ByteReader) throws(PDUError) -> PhoneAddress? {
        let start = reader.position
        let length = Int(try reader.byte("SMSC"))
        guard length > 0 else { return nil }
        let type = try reader.byte("SMSC")
        let octets = try reader.bytes(length - 1, "SMSC")
        var semiOctets = octets.count * 2
        if let last = octets.last, last >> 4 == 0x0F { semiOctets -= 1 }
        return try decodeValue(type: type, octets: octets, semiOctets: semiOctets, field: "SMSC", offset: start)
    }

    private static func decodeValue(type: UInt8, octets: [UInt8], semiOctets: Int, field: String, offset: Int) throws(PDUError) -> PhoneAddress {
        let ton = TypeOfNumber(rawValue: (type >> 4) & 0x07)!
        let npi = type & 0x0F
        if ton == .alphanumeric {
            let septetCount = semiOctets * 4 / 7
            let text = GSM7.decode(GSM7.unpack(octets, count: septetCount))
            return PhoneAddress(typeOfNumber: ton, numberingPlan: npi, value: text)
        }
        var value = ""
        value.reserveCapacity(semiOctets)
        for index in 0..<semiOctets {
            let octet = octets[index / 2]
            let digit = index % 2 == 0 ? octet & 0x0F : octet >> 4
            if digit == 0x0F {
                // Some encoders count the filler of an odd last octet in the length (python-gsmmodem
                // and others read such an address as the digits before it): accepted as the last
                // semi-octet only, so a filler between digits still cannot shorten a number.
                guard index == semiOctets - 1 else {
                    throw PDUError(field: field, offset: offset + 2 + index / 2, reason: "filler semi-octet inside the number")
                }
                break
            }
            value.append(semiOctetCharacters[Int(digit)])
        }
        return PhoneAddress(typeOfNumber: ton, numberingPlan: npi, value: value)
    }
}
