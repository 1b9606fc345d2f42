/// What a TP-ST value means for the sender.
///
/// TS 23.040 §9.2.3.15 — bits 6..5 of TP-Status. Values 0x80 and above are reserved; they
/// are read as "temporary error, no more tries" like "service rejected" (0x63), so a
/// caller stops waiting for them.
public enum StatusCategory: Hashable, Sendable {
    /// 0x00–0x1F: the short message was delivered (or forwarded, or replaced).
    case delivered
    /// 0x20–0x3F: temporary error, the SC is still trying.
    case temporaryErrorStillTrying
    /// 0x40–0x5F: permanent error, the SC gave up.
    case permanentError
    /// 0x60–0x7F (and reserved values): temporary error, the SC is no longer trying.
    case temporaryErrorNoMoreTries

    public init(status: UInt8) {
        switch status {
        case 0x00...0x1F: self = .delivered
        case 0x20...0x3F: self = .temporaryErrorStillTrying
        case 0x40...0x5F: self = .permanentError
        default: self = .temporaryErrorNoMoreTries
        }
    }

    /// True when no further report will change the outcome.
    public var isFinal: Bool { self != .temporaryErrorStillTrying }
}

/// SMS-STATUS-REPORT: the SC reports what became of a submitted message.
///
/// TS 23.040 §9.2.2.3 — first octet (MTI 10, MMS, LP, SRQ, UDHI), TP-MR, TP-RA, TP-SCTS,
/// TP-DT, TP-ST, then optionally TP-PI and the TP-PID / TP-DCS / TP-UDL+UD it announces.
public struct SMSStatusReport: Hashable, Sendable {
    /// TP-MR of the SUBMIT this reports on (the number `+CMGS:` returned).
    public var messageReference: UInt8
    public var recipient: PhoneAddress
    public var serviceCentreTimestamp: ServiceCentreTimestamp
    public var dischargeTime: ServiceCentreTimestamp
    /// TP-ST.
    public var status: UInt8
    /// TP-SRQ: the report is about an SMS-COMMAND rather than an SMS-SUBMIT.
    public var reportsCommand: Bool
    public var moreMessagesToSend: Bool
    public var protocolIdentifier: UInt8?
    public var dataCoding: DataCodingScheme?
    public var userDataHeader: UserDataHeader?
    public var body: MessageBody?
    /// TP-UDL promised more user data than the PDU holds; `body` is what was there (never encoded).
    public var isUserDataShort: Bool

    public init(
        messageReference: UInt8, recipient: PhoneAddress, serviceCentreTimestamp: ServiceCentreTimestamp,
        dischargeTime: ServiceCentreTimestamp, status: UInt8, reportsCommand: Bool = false,
        moreMessagesToSend: Bool = false, protocolIdentifier: UInt8? = nil, dataCoding: DataCodingScheme? = nil,
        userDataHeader: UserDataHeader? = nil, body: MessageBody? = nil, isUserDataShort: Bool = false
    ) {
        self.messageReference = messageReference
        self.recipient = recipient
        self.serviceCentreTimestamp = serviceCentreTimestamp
        self.dischargeTime = dischargeTime
        self.status = status
        self.reportsCommand = reportsCommand
        self.moreMessagesToSend = moreMessagesToSend
        self.protocolIdentifier = protocolIdentifier
        self.dataCoding = dataCoding
        self.userDataHeader = userDataHeader
        self.body = body
        self.isUserDataShort = isUserDataShort
    }

    public var category: StatusCategory { StatusCategory(status: status) }

    /// TPDU bytes (no SMSC prefix). TP-PI is written only when an optional field is set.
    public func encode() throws(PDUError) -> [UInt8] {
        var firstOctet: UInt8 = 0x02
        if !moreMessagesToSend { firstOctet |= 0x04 }
        if reportsCommand { firstOctet |= 0x20 }
        if body != nil, userDataHeader != nil { firstOctet |= 0x40 }
        var out: [UInt8] = [firstOctet, messageReference]
        out += try recipient.encodeTPAddress(field: "TP-RA", offset: out.count)
        out += try serviceCentreTimestamp.encode(field: "TP-SCTS", offset: out.count)
        out += try dischargeTime.encode(field: "TP-DT", offset: out.count)
        out.append(status)
        var indicator: UInt8 = 0
        if protocolIdentifier != nil { indicator |= 0x01 }
        if dataCoding != nil || body != nil { indicator |= 0x02 }
        if body != nil { indicator |= 0x04 }
        guard indicator != 0 else { return out }
        out.append(indicator)
        if let protocolIdentifier { out.append(protocolIdentifier) }
        let coding = dataCoding ?? DataCodingScheme(alphabet: .gsm7)
        if indicator & 0x02 != 0 { out.append(coding.rawValue) }
        if let body {
            out += try UserData.encode(header: userDataHeader, body: body, coding: coding, offset: out.count)
        }
        return out
    }

    /// Decodes TPDU bytes (no SMSC prefix).
    public static func decode(_ tpdu: [UInt8]) throws(PDUError) -> SMSStatusReport {
        var reader = ByteReader(tpdu)
        return try decode(&reader)
    }

    static func decode(_ reader: inout ByteReader) throws(PDUError) -> SMSStatusReport {
        let firstOffset = reader.position
        let firstOctet = try reader.byte("TP-MTI")
        guard firstOctet & 0x03 == 0x02 else {
            throw PDUError(field: "TP-MTI", offset: firstOffset, reason: "not an SMS-STATUS-REPORT")
        }
        var report = SMSStatusReport(
            messageReference: try reader.byte("TP-MR"),
            recipient: try PhoneAddress.decodeTPAddress(&reader, field: "TP-RA"),
            serviceCentreTimestamp: try ServiceCentreTimestamp.decode(&reader, field: "TP-SCTS"),
            dischargeTime: try ServiceCentreTimestamp.decode(&reader, field: "TP-DT"),
            status: try reader.byte("TP-ST"),
            reportsCommand: firstOctet & 0x20 != 0,
            moreMessagesToSend: firstOctet & 0x04 == 0)
        // TS 23.040 §9.2.3.27: TP-PI and what follows are optional; a receiver ignores
        // parameters a reserved or extended TP-PI might announce.
        guard !reader.isAtEnd else { return report }
        let indicator = try reader.byte("TP-PI")
        if indicator & 0x80 != 0 || indicator == 0 { return report }
        if indicator & 0x01 != 0 { report.protocolIdentifier = try reader.byte("TP-PID") }
        var coding = DataCodingScheme(alphabet: .gsm7)
        if indicator & 0x02 != 0 {
            let dcsOffset = reader.position
            coding = try DataCodingScheme(rawValue: try reader.byte("TP-DCS"), offset: dcsOffset)
            report.dataCoding = coding
        }
        if indicator & 0x04 != 0 {
            let userData = try UserData.decode(&reader, coding: coding, hasHeader: firstOctet & 0x40 != 0, protocolIdentifier: report.protocolIdentifier)
            report.userDataHeader = userData.header
            report.body = userData.body
            report.isUserDataShort = userData.isShort
        }
        return report
    }
}
