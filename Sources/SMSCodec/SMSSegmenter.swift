/// Splits a long text into SMS-sized parts.
///
/// TS 23.040 §9.2.3.24.1 — a concatenated part carries a 6-octet header (UDHL + 8-bit
/// reference IE), leaving 153 septets / 67 UCS-2 units / 134 octets; a single SMS holds
/// 160 / 70 / 140. TS 23.038 §6.2.1.1 — an extension character is escape + code and is
/// never split; a UTF-16 surrogate pair is never split either. Parts break between
/// grapheme clusters when one fits, so an emoji with modifiers stays whole when it can.
public enum SMSSegmenter {
    public static let singlePartSeptets = 160
    public static let multipartSeptets = 153
    public static let singlePartUnits = 70
    public static let multipartUnits = 67
    public static let singlePartOctets = 140
    public static let multipartOctets = 134
    /// The concatenation IE counts parts in one octet.
    public static let maximumParts = 255

    /// GSM 7-bit when every character is encodable (and UCS-2 is not forced), else UCS-2.
    public static func alphabet(for text: String, forceUCS2: Bool = false) -> Alphabet {
        !forceUCS2 && GSM7.canEncode(text) ? .gsm7 : .ucs2
    }

    /// The alphabet chosen and the text of each part; an empty text is one empty part.
    public static func split(_ text: String, forceUCS2: Bool = false) -> (alphabet: Alphabet, parts: [String]) {
        let alphabet = alphabet(for: text, forceUCS2: forceUCS2)
        let cost: (Unicode.Scalar) -> Int = alphabet == .gsm7
            ? { GSM7.septets(for: $0)?.count ?? 1 }
            : { $0.utf16.count }
        let single = alphabet == .gsm7 ? singlePartSeptets : singlePartUnits
        let limit = alphabet == .gsm7 ? multipartSeptets : multipartUnits

        let total = text.unicodeScalars.reduce(0) { $0 + cost($1) }
        if total <= single { return (alphabet, [text]) }

        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var used = 0
        func flush() {
            parts.append(String(current))
            current = String.UnicodeScalarView()
            used = 0
        }
        for character in text {
            let characterCost = character.unicodeScalars.reduce(0) { $0 + cost($1) }
            if characterCost <= limit {
                if used + characterCost > limit { flush() }
                current.append(contentsOf: character.unicodeScalars)
                used += characterCost
            } else {
                // A grapheme bigger than a whole part: break it between scalars.
                for scalar in character.unicodeScalars {
                    let scalarCost = cost(scalar)
                    if used + scalarCost > limit { flush() }
                    current.append(scalar)
                    used += scalarCost
                }
            }
        }
        if used > 0 || parts.isEmpty { flush() }
        return (alphabet, parts)
    }

    /// Whether `text` fits in the 255 parts a concatenated SMS can have (callers check this
    /// before building parts, which treat more as a broken invariant).
    public static func fitsInOneMessage(_ text: String, forceUCS2: Bool = false) -> Bool {
        // Even at two units (an escape pair, a surrogate pair) per character, this many always fit.
        if text.unicodeScalars.count <= maximumParts * 33 { return true }
        return split(text, forceUCS2: forceUCS2).parts.count <= maximumParts
    }

    /// Splits 8-bit data: one part up to 140 octets, else parts of 134.
    public static func split(bytes: [UInt8]) -> [[UInt8]] {
        if bytes.count <= singlePartOctets { return [bytes] }
        return stride(from: 0, to: bytes.count, by: multipartOctets).map {
            Array(bytes[$0..<min($0 + multipartOctets, bytes.count)])
        }
    }

    /// The header for part `index` (0-based) of `total`, nil for a single part.
    /// Only the low 8 bits of `reference` are used (IEI 0x00).
    static func header(reference: Int, index: Int, total: Int) -> UserDataHeader? {
        guard total > 1 else { return nil }
        precondition(total <= maximumParts, "text needs \(total) parts; SMS concatenation allows 255")
        return UserDataHeader(concatenation: ConcatenationInfo(reference: reference & 0xFF, total: total, part: index + 1))
    }
}

extension SMSSubmit {
    /// SUBMITs for `text`, concatenated when it does not fit one SMS.
    ///
    /// `concatenationReference` comes from the caller's counter (only its low 8 bits are
    /// sent). The text must fit 255 parts (about 39,000 GSM characters); more is a
    /// programming error.
    public static func parts(
        to destination: PhoneAddress, text: String, forceUCS2: Bool = false, statusReportRequest: Bool = false,
        messageClass: MessageClass? = nil, concatenationReference: Int
    ) -> [SMSSubmit] {
        let (alphabet, texts) = SMSSegmenter.split(text, forceUCS2: forceUCS2)
        let coding = DataCodingScheme(alphabet: alphabet, messageClass: messageClass)
        return texts.enumerated().map { index, partText in
            SMSSubmit(
                destination: destination, dataCoding: coding, statusReportRequest: statusReportRequest,
                userDataHeader: SMSSegmenter.header(reference: concatenationReference, index: index, total: texts.count),
                body: .text(partText))
        }
    }
}

extension SMSDeliver {
    /// DELIVERs for `text` as a service centre would hand them to a phone (for the simulator).
    public static func parts(
        from originator: PhoneAddress, text: String, timestamp: ServiceCentreTimestamp, forceUCS2: Bool = false,
        concatenationReference: Int
    ) -> [SMSDeliver] {
        let (alphabet, texts) = SMSSegmenter.split(text, forceUCS2: forceUCS2)
        let coding = DataCodingScheme(alphabet: alphabet)
        return texts.enumerated().map { index, partText in
            SMSDeliver(
                originator: originator, dataCoding: coding, serviceCentreTimestamp: timestamp,
                userDataHeader: SMSSegmenter.header(reference: concatenationReference, index: index, total: texts.count),
                body: .text(partText))
        }
    }
}
