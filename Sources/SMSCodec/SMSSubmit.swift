/// TP-VP: how long the SC keeps trying.
///
/// TS 23.040 §9.2.3.12 — relative (one octet), absolute (a timestamp) or enhanced (seven octets).
public enum ValidityPeriod: Hashable, Sendable {
    /// §9.2.3.12.1: 0–143 → (v+1)×5 min, 144–167 → 12 h + (v−143)×30 min, 168–196 → (v−166) days, 197–255 → (v−192) weeks.
    case relative(UInt8)
    case absolute(ServiceCentreTimestamp)
    /// Kept raw; its functionality indicator is not interpreted.
    case enhanced([UInt8])

    /// The VPF bits (4..3) of the first octet.
    var formatBits: UInt8 {
        switch self {
        case .relative: 0x10
        case .enhanced: 0x08
        case .absolute: 0x18
        }
    }

    /// The relative period as a duration, nil for the other forms.
    public var relativeDuration: Duration? {
        guard case .relative(let value) = self else { return nil }
        let minutes: Int64 = switch value {
        case 0...143: (Int64(value) + 1) * 5
        case 144...167: 12 * 60 + (Int64(value) - 143) * 30
        case 168...196: (Int64(value) - 166) * 24 * 60
        default: (Int64(value) - 192) * 7 * 24 * 60
        }
        return .seconds(minutes * 60)
    }
}

/// SMS-SUBMIT: a message from the phone to the service centre.
///
/// TS 23.040 §9.2.2.2 — first octet (MTI 01, RD, VPF, SRR, UDHI, RP), TP-MR, TP-DA,
/// TP-PID, TP-DCS, TP-VP (0, 1 or 7 octets), TP-UDL, TP-UD.
public struct SMSSubmit: Hashable, Sendable {
    public var destination: PhoneAddress
    /// TP-MR; modems usually replace 0 with their own counter.
    public var messageReference: UInt8
    public var protocolIdentifier: UInt8
    public var dataCoding: DataCodingScheme
    public var validityPeriod: ValidityPeriod?
    /// TP-SRR: ask the SC for a status report.
    public var statusReportRequest: Bool
    /// TP-RD: ask the SC to reject a duplicate (same MR and destination).
    public var rejectDuplicates: Bool
    public var replyPath: Bool
    public var userDataHeader: UserDataHeader?
    public var body: MessageBody
    /// TP-UDL promised more user data than the PDU holds; `body` is what was there (never encoded).
    public var isUserDataShort: Bool

    public init(
        destination: PhoneAddress, messageReference: UInt8 = 0, protocolIdentifier: UInt8 = 0,
        dataCoding: DataCodingScheme, validityPeriod: ValidityPeriod? = nil,
        statusReportRequest: Bool = false, rejectDuplicates: Bool = false, replyPath: Bool = false,
        userDataHeader: UserDataHeader? = nil, body: MessageBody, isUserDataShort: Bool = false
    ) {
        self.destination = destination
        self.messageReference = messageReference
        self.protocolIdentifier = protocolIdentifier
        self.dataCoding = dataCoding
        self.validityPeriod = validityPeriod
        self.statusReportRequest = statusReportRequest
        self.rejectDuplicates = rejectDuplicates
        self.replyPath = replyPath
        self.userDataHeader = userDataHeader
        self.body = body
        self.isUserDataShort = isUserDataShort
    }

    /// The concatenation IE of the header, if any.
    public var concatenation: ConcatenationInfo? { userDataHeader?.concatenation }

    /// TPDU bytes (no SMSC prefix); their count is the length `AT+CMGS=` wants.
    public func encode() throws(PDUError) -> [UInt8] {
        var firstOctet: UInt8 = 0x01
        if rejectDuplicates { firstOctet |= 0x04 }
        if let validityPeriod { firstOctet |= validityPeriod.formatBits }
        if statusReportRequest { firstOctet |= 0x20 }
        if userDataHeader != nil { firstOctet |= 0x40 }
        if replyPath { firstOctet |= 0x80 }
        var out: [UInt8] = [firstOctet, messageReference]
        out += try destination.encodeTPAddress(field: "TP-DA", offset: out.count)
        out.append(protocolIdentifier)
        out.append(dataCoding.rawValue)
        switch validityPeriod {
        case nil: break
        case .relative(let value): out.append(value)
        case .absolute(let timestamp): out += try timestamp.encode(field: "TP-VP", offset: out.count)
        case .enhanced(let bytes):
            guard bytes.count == 7 else {
                throw PDUError(field: "TP-VP", offset: out.count, reason: "enhanced validity period must be 7 octets")
            }
            out += bytes
        }
        out += try UserData.encode(header: userDataHeader, body: body, coding: dataCoding, offset: out.count)
        return out
    }

    /// Decodes TPDU bytes (no SMSC prefix).
    public static func decode(_ tpdu: [UInt8]) throws(PDUError) -> SMSSubmit {
        var reader = ByteReader(tpdu)
        return try decode(&reader)
    }

    static func decode(_ reader: inout ByteReader) throws(PDUError) -> SMSSubmit {
        let firstOffset = reader.position
        let firstOctet = try reader.byte("TP-MTI")
        guard firstOctet & 0x03 == 0x01 else {
            throw PDUError(field: "TP-MTI", offset: firstOffset, reason: "not an SMS-SUBMIT")
        }
        let reference = try reader.byte("TP-MR")
        let destination = try PhoneAddress.decodeTPAddress(&reader, field: "TP-DA")
        let pid = try reader.byte("TP-PID")
        let dcsOffset = reader.position
        let coding = try DataCodingScheme(rawValue: try reader.byte("TP-DCS"), offset: dcsOffset)
        let validity: ValidityPeriod? = switch firstOctet & 0x18 {
        case 0x10: .relative(try reader.byte("TP-VP"))
        case 0x08: .enhanced(try reader.bytes(7, "TP-VP"))
        case 0x18: .absolute(try ServiceCentreTimestamp.decode(&reader, field: "TP-VP"))
        default: nil
        }
        let userData = try UserData.decode(&reader, coding: coding, hasHeader: firstOctet & 0x40 != 0, protocolIdentifier: pid)
        return SMSSubmit(
            destination: destination, messageReference: reference, protocolIdentifier: pid,
            dataCoding: coding, validityPeriod: validity,
            statusReportRequest: firstOctet & 0x20 != 0, rejectDuplicates: firstOctet & 0x04 != 0,
            replyPath: firstOctet & 0x80 != 0, userDataHeader: userData.header, body: userData.body,
            isUserDataShort: userData.isShort)
    }
}
