/// What a message carries: text (GSM 7-bit or UCS-2) or bytes (8-bit data).
public enum MessageBody: Hashable, Sendable {
    case text(String)
    case binary([UInt8])

    /// The text, or nil for binary data.
    public var text: String? {
        if case .text(let text) = self { text } else { nil }
    }
}

/// Printing a body shows only its kind and size: a message body must never reach a log line.
extension MessageBody: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .text(let text): "text(\(text.unicodeScalars.count) characters)"
        case .binary(let bytes): "binary(\(bytes.count) bytes)"
        }
    }

    public var debugDescription: String { description }
}

/// TP-UDL + TP-UD codec shared by DELIVER, SUBMIT and STATUS-REPORT.
///
/// TS 23.040 §9.2.3.16 — UDL counts septets for the GSM 7-bit alphabet (header included,
/// in septets, with fill bits) and octets otherwise; §9.2.3.24 — the header and fill bits.
enum UserData {
    static let maximumSeptets = 160
    static let maximumOctets = 140

    /// Fill bits after a header of `headerOctets` (UDHL included) so the text starts on a septet boundary.
    static func fillBits(headerOctets: Int) -> Int {
        (7 - (headerOctets * 8) % 7) % 7
    }

    /// Header septets (UDHL included, fill bits included).
    static func headerSeptets(headerOctets: Int) -> Int {
        (headerOctets * 8 + fillBits(headerOctets: headerOctets)) / 7
    }

    /// Encodes UDL and UD. `offset` is where UDL will sit in the output, for errors.
    static func encode(header: UserDataHeader?, body: MessageBody, coding: DataCodingScheme, offset: Int) throws(PDUError) -> [UInt8] {
        let headerBytes = try header?.encode(offset: offset + 1) ?? []
        switch (coding.alphabet, body) {
        case (.gsm7, .text(let text)):
            guard let septets = GSM7.encode(text) else {
                throw PDUError(field: "TP-UD", offset: offset + 1, reason: "text has characters outside the GSM 7-bit alphabet")
            }
            let fill = headerBytes.isEmpty ? 0 : fillBits(headerOctets: headerBytes.count)
            let headerSeptetCount = headerBytes.isEmpty ? 0 : headerSeptets(headerOctets: headerBytes.count)
            let length = headerSeptetCount + septets.count
            guard length <= maximumSeptets else {
                throw PDUError(field: "TP-UDL", offset: offset, reason: "\(length) septets exceed 160")
            }
            return [UInt8(length)] + headerBytes + GSM7.pack(septets, fillBits: fill)
        case (.ucs2, .text(let text)):
            return try octetUserData(headerBytes + UCS2.encode(text), offset: offset)
        case (.eightBit, .binary(let bytes)):
            return try octetUserData(headerBytes + bytes, offset: offset)
        case (.eightBit, .text(let text)):
            // The inverse of reading printable 8-bit data as text (EightBitText): its UTF-8 bytes.
            return try octetUserData(headerBytes + Array(text.utf8), offset: offset)
        case (_, .binary):
            throw PDUError(field: "TP-DCS", offset: offset, reason: "binary body needs 8-bit data coding")
        }
    }

    private static func octetUserData(_ bytes: [UInt8], offset: Int) throws(PDUError) -> [UInt8] {
        guard bytes.count <= maximumOctets else {
            throw PDUError(field: "TP-UDL", offset: offset, reason: "\(bytes.count) octets exceed 140")
        }
        return [UInt8(bytes.count)] + bytes
    }

    /// What `decode` read: the header, the body, and whether the data was shorter than UDL said.
    struct Decoded {
        var header: UserDataHeader?
        var body: MessageBody
        var isShort: Bool
    }

    /// Decodes UDL and UD at the reader's position; trailing bytes after the UD are ignored.
    ///
    /// Liberal where the message can still be read (a message refused is a message lost):
    /// a UDL larger than the data present decodes what is there and sets `isShort`; 8-bit data
    /// that is printable text becomes a text body (see `EightBitText`). A UDL beyond what
    /// §9.2.3.16 allows, or a header cut off, cannot be read and still throws.
    static func decode(_ reader: inout ByteReader, coding: DataCodingScheme, hasHeader: Bool, protocolIdentifier: UInt8?) throws(PDUError) -> Decoded {
        let udlOffset = reader.position
        let length = Int(try reader.byte("TP-UDL"))
        let udOffset = reader.position
        switch coding.alphabet {
        case .gsm7:
            guard length <= maximumSeptets else {
                throw PDUError(field: "TP-UDL", offset: udlOffset, reason: "\(length) septets exceed 160")
            }
            let declaredOctets = (length * 7 + 7) / 8
            let octets = try reader.bytes(min(declaredOctets, reader.remaining), "TP-UD")
            let isShort = octets.count < declaredOctets
            let septetCount = isShort ? octets.count * 8 / 7 : length
            var header: UserDataHeader?
            var skip = 0
            if hasHeader {
                let parsed = try UserDataHeader.decode(octets, offset: udOffset)
                let headerOctets = Int(octets[0]) + 1
                skip = headerSeptets(headerOctets: headerOctets)
                guard skip <= length else {
                    throw PDUError(field: "TP-UDHL", offset: udOffset, reason: "header longer than the user data length")
                }
                header = parsed
            }
            var septets = GSM7.unpack(octets, count: septetCount)
            // Cut short where the last septet lies wholly in the final octet's top 7 bits, a zero
            // septet is more likely the zero fill of an 8n−1 septet text than an '@' (TS 23.038
            // §6.1.2.3.1 names the ambiguity; python-gsmmodem reads it the same way).
            if isShort, octets.count * 8 % 7 == 0, septets.count > skip, septets.last == 0 { septets.removeLast() }
            return Decoded(header: header, body: .text(GSM7.decode(septets.dropFirst(skip))), isShort: isShort)
        case .ucs2, .eightBit:
            guard length <= maximumOctets else {
                throw PDUError(field: "TP-UDL", offset: udlOffset, reason: "\(length) octets exceed 140")
            }
            var octets = try reader.bytes(min(length, reader.remaining), "TP-UD")
            let isShort = octets.count < length
            var header: UserDataHeader?
            var bodyOffset = udOffset
            if hasHeader {
                header = try UserDataHeader.decode(octets, offset: udOffset)
                let headerOctets = Int(octets[0]) + 1
                octets.removeFirst(headerOctets)
                bodyOffset += headerOctets
            }
            if coding.alphabet == .ucs2 {
                if isShort { octets = wholeUTF16Units(octets) }
                return Decoded(header: header, body: .text(try UCS2.decode(octets, field: "TP-UD", offset: bodyOffset)), isShort: isShort)
            }
            if EightBitText.mayCarryText(coding: coding, protocolIdentifier: protocolIdentifier, header: header),
               let text = EightBitText.text(octets) {
                return Decoded(header: header, body: .text(text), isShort: isShort)
            }
            return Decoded(header: header, body: .binary(octets), isShort: isShort)
        }
    }

    /// UCS-2 octets cut short: the whole 16-bit units, without a high surrogate whose pair was cut off.
    private static func wholeUTF16Units(_ octets: [UInt8]) -> [UInt8] {
        var whole = Array(octets.prefix(octets.count & ~1))
        if whole.count >= 2, (0xD8...0xDB).contains(whole[whole.count - 2]) { whole.removeLast(2) }
        return whole
    }
}
