/// Any TPDU a modem can show us.
public enum TPDU: Hashable, Sendable {
    case deliver(SMSDeliver)
    case submit(SMSSubmit)
    case statusReport(SMSStatusReport)

    /// Decodes by TP-MTI (TS 23.040 §9.2.3.1): 00 deliver, 01 submit, 10 status report.
    public static func decode(_ tpdu: [UInt8]) throws(PDUError) -> TPDU {
        var reader = ByteReader(tpdu)
        return try decode(&reader)
    }

    static func decode(_ reader: inout ByteReader) throws(PDUError) -> TPDU {
        let start = reader.position
        guard !reader.isAtEnd else {
            throw PDUError(field: "TP-MTI", offset: start, reason: "truncated: no TPDU after the SMSC address")
        }
        switch reader.bytes[start] & 0x03 {
        case 0x00: return .deliver(try SMSDeliver.decode(&reader))
        case 0x01: return .submit(try SMSSubmit.decode(&reader))
        case 0x02: return .statusReport(try SMSStatusReport.decode(&reader))
        default: throw PDUError(field: "TP-MTI", offset: start, reason: "reserved message type 11")
        }
    }

    /// TP-UDL promised more user data than the PDU held (the body is what was there).
    public var isUserDataShort: Bool {
        switch self {
        case .deliver(let deliver): deliver.isUserDataShort
        case .submit(let submit): submit.isUserDataShort
        case .statusReport(let report): report.isUserDataShort
        }
    }

    /// TPDU bytes.
    public func encode() throws(PDUError) -> [UInt8] {
        switch self {
        case .deliver(let deliver): try deliver.encode()
        case .submit(let submit): try submit.encode()
        case .statusReport(let report): try report.encode()
        }
    }
}

/// The form a modem prints after +CMGR:/+CMT:/+CMGL:/+CDS: — SMSC address first.
///
/// TS 27.005 §3.1 (`<pdu>`) — the SMSC address as in TS 24.011 §8.2.5.2 (length in octets,
/// type-of-address, digits), then the TS 23.040 TPDU.
public struct ModemPDU: Hashable, Sendable {
    public var smsc: PhoneAddress?
    public var tpdu: TPDU

    public init(smsc: PhoneAddress?, tpdu: TPDU) {
        self.smsc = smsc
        self.tpdu = tpdu
    }

    /// Decodes hex text; error offsets count bytes from the SMSC length octet.
    public static func decode(hex: String) throws(PDUError) -> ModemPDU {
        try decode(bytes: try Hex.decode(hex))
    }

    public static func decode(bytes: [UInt8]) throws(PDUError) -> ModemPDU {
        var reader = ByteReader(bytes)
        let smsc = try PhoneAddress.decodeSMSC(&reader)
        return ModemPDU(smsc: smsc, tpdu: try TPDU.decode(&reader))
    }

    /// Hex text for `AT+CMGS`: SMSC (or "00" for the modem's default) then the TPDU.
    /// Characters of `smsc` that cannot be semi-octet digits are left out.
    public static func hex(smsc: PhoneAddress?, tpdu: [UInt8]) -> String {
        guard let smsc else { return "00" + Hex.encode(tpdu) }
        var clean = smsc
        if clean.typeOfNumber != .alphanumeric {
            clean.value = String(String.UnicodeScalarView(smsc.value.unicodeScalars.filter(PhoneAddress.isSemiOctetDigit)).prefix(PhoneAddress.maximumSemiOctets))
        }
        let prefix = (try? clean.encodeSMSC(offset: 0)) ?? [0]
        return Hex.encode(prefix + tpdu)
    }

    /// Hex text of this PDU.
    public func hex() throws(PDUError) -> String {
        let tpduBytes = try tpdu.encode()
        if let smsc {
            return Hex.encode(try smsc.encodeSMSC(offset: 0) + tpduBytes)
        }
        return "00" + Hex.encode(tpduBytes)
    }
}
