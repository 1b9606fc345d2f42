/// SMS-DELIVER: a message from the service centre to the phone.
///
/// TS 23.040 §9.2.2.1 — first octet (MTI 00, MMS, LP, SRI, UDHI, RP), TP-OA, TP-PID,
/// TP-DCS, TP-SCTS, TP-UDL, TP-UD.
public struct SMSDeliver: Hashable, Sendable {
    public var originator: PhoneAddress
    public var protocolIdentifier: UInt8
    public var dataCoding: DataCodingScheme
    public var serviceCentreTimestamp: ServiceCentreTimestamp
    public var userDataHeader: UserDataHeader?
    public var body: MessageBody
    /// TP-MMS inverted: true when the SC has more messages waiting (the bit is 0 then).
    public var moreMessagesToSend: Bool
    /// TP-SRI: the sender asked for a status report.
    public var statusReportIndication: Bool
    public var replyPath: Bool
    /// TP-LP (loop prevention); kept so re-encoding is faithful.
    public var loopPrevention: Bool
    /// TP-UDL promised more user data than the PDU holds; `body` is what was there.
    /// Never encoded: re-encoding writes the length of the body it has.
    public var isUserDataShort: Bool

    public init(
        originator: PhoneAddress, protocolIdentifier: UInt8 = 0, dataCoding: DataCodingScheme,
        serviceCentreTimestamp: ServiceCentreTimestamp, userDataHeader: UserDataHeader? = nil,
        body: MessageBody, moreMessagesToSend: Bool = false, statusReportIndication: Bool = false,
        replyPath: Bool = false, loopPrevention: Bool = false, isUserDataShort: Bool = false
    ) {
        self.originator = originator
        self.protocolIdentifier = protocolIdentifier
        self.dataCoding = dataCoding
        self.serviceCentreTimestamp = serviceCentreTimestamp
        self.userDataHeader = userDataHeader
        self.body = body
        self.moreMessagesToSend = moreMessagesToSend
        self.statusReportIndication = statusReportIndication
        self.replyPath = replyPath
        self.loopPrevention = loopPrevention
        self.isUserDataShort = isUserDataShort
    }

    /// The concatenation IE of the header, if any.
    public var concatenation: ConcatenationInfo? { userDataHeader?.concatenation }

    /// TPDU bytes (no SMSC prefix).
    public func encode() throws(PDUError) -> [UInt8] {
        var firstOctet: UInt8 = 0x00
        if !moreMessagesToSend { firstOctet |= 0x04 }
        if loopPrevention { firstOctet |= 0x08 }
        if statusReportIndication { firstOctet |= 0x20 }
        if userDataHeader != nil { firstOctet |= 0x40 }
        if replyPath { firstOctet |= 0x80 }
        var out: [UInt8] = [firstOctet]
        out += try originator.encodeTPAddress(field: "TP-OA", offset: out.count)
        out.append(protocolIdentifier)
        out.append(dataCoding.rawValue)
        out += try serviceCentreTimestamp.encode(field: "TP-SCTS", offset: out.count)
        out += try UserData.encode(header: userDataHeader, body: body, coding: dataCoding, offset: out.count)
        return out
    }

    /// Decodes TPDU bytes (no SMSC prefix).
    public static func decode(_ tpdu: [UInt8]) throws(PDUError) -> SMSDeliver {
        var reader = ByteReader(tpdu)
        return try decode(&reader)
    }

    static func decode(_ reader: inout ByteReader) throws(PDUError) -> SMSDeliver {
        let firstOffset = reader.position
        let firstOctet = try reader.byte("TP-MTI")
        guard firstOctet & 0x03 == 0x00 else {
            throw PDUError(field: "TP-MTI", offset: firstOffset, reason: "not an SMS-DELIVER")
        }
        let originator = try PhoneAddress.decodeTPAddress(&reader, field: "TP-OA")
        let pid = try reader.byte("TP-PID")
        let dcsOffset = reader.position
        let coding = try DataCodingScheme(rawValue: try reader.byte("TP-DCS"), offset: dcsOffset)
        let timestamp = try ServiceCentreTimestamp.decode(&reader, field: "TP-SCTS")
        let userData = try UserData.decode(&reader, coding: coding, hasHeader: firstOctet & 0x40 != 0, protocolIdentifier: pid)
        return SMSDeliver(
            originator: originator, protocolIdentifier: pid, dataCoding: coding,
            serviceCentreTimestamp: timestamp, userDataHeader: userData.header, body: userData.body,
            moreMessagesToSend: firstOctet & 0x04 == 0, statusReportIndication: firstOctet & 0x20 != 0,
            replyPath: firstOctet & 0x80 != 0, loopPrevention: firstOctet & 0x08 != 0,
            isUserDataShort: userData.isShort)
    }
}
