/// PDUs as they cross the AT line: hex text with the service centre address in front.
///
/// TS 27.005 §3.1 `<pdu>`: "SMSC address followed by TPDU in hexadecimal format";
/// TS 24.011 §8.2.5.1 — the RP address element the SMSC prefix is encoded as.
extension ModemEmulator {
    /// The TPDU of a PDU the client typed: hex decoded, SMSC prefix skipped, length checked.
    /// TS 27.005 §3.5.1: `<length>` counts TPDU octets only, not the SMSC address.
    static func transferPDU(fromHex hex: [UInt8], declaredLength: Int) -> [UInt8]? {
        guard hex.count % 2 == 0, hex.count >= 2 else { return nil }
        var octets: [UInt8] = []
        octets.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else { return nil }
            octets.append(high << 4 | low)
            index += 2
        }
        let serviceCentreLength = Int(octets[0])
        guard serviceCentreLength <= 11, octets.count == 1 + serviceCentreLength + declaredLength else { return nil }
        return Array(octets[(1 + serviceCentreLength)...])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The PDU as a modem prints it: the SIM's SMSC address (TS 24.011 §8.2.5.1 RP address) then the TPDU.
    func pduWithServiceCentre(_ tpdu: [UInt8]) -> String {
        Self.hexString(Self.serviceCentreOctets(serviceCentre) + tpdu)
    }

    static func serviceCentreOctets(_ number: String) -> [UInt8] {
        let digits = number.compactMap { $0.wholeNumberValue.map(UInt8.init) }
        guard !digits.isEmpty else { return [0x00] }
        var octets: [UInt8] = [UInt8(typeOfAddress(number))]
        var index = 0
        while index < digits.count {
            let low = digits[index]
            let high = index + 1 < digits.count ? digits[index + 1] : 0x0F
            octets.append(high << 4 | low)
            index += 2
        }
        return [UInt8(octets.count)] + octets
    }

    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
