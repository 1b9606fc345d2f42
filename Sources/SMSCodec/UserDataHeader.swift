/// One information element of a user data header, kept as raw bytes.
///
/// TS 23.040 §9.2.3.24 — IEI, length, data.
public struct InformationElement: Hashable, Sendable {
    public var identifier: UInt8
    public var data: [UInt8]

    public init(identifier: UInt8, data: [UInt8]) {
        self.identifier = identifier
        self.data = data
    }
}

/// Which part of a concatenated message this is.
///
/// TS 23.040 §9.2.3.24.1 (IEI 0x00, 8-bit reference) and §9.2.3.24.8 (IEI 0x08, 16-bit reference).
public struct ConcatenationInfo: Hashable, Sendable {
    public var reference: Int
    public var total: Int
    /// 1-based.
    public var part: Int
    public var uses16BitReference: Bool

    public init(reference: Int, total: Int, part: Int, uses16BitReference: Bool = false) {
        self.reference = reference
        self.total = total
        self.part = part
        self.uses16BitReference = uses16BitReference
    }

    var informationElement: InformationElement {
        if uses16BitReference {
            InformationElement(identifier: 0x08, data: [UInt8(truncatingIfNeeded: reference >> 8), UInt8(truncatingIfNeeded: reference), UInt8(truncatingIfNeeded: total), UInt8(truncatingIfNeeded: part)])
        } else {
            InformationElement(identifier: 0x00, data: [UInt8(truncatingIfNeeded: reference), UInt8(truncatingIfNeeded: total), UInt8(truncatingIfNeeded: part)])
        }
    }

    /// Reads a concatenation IE; nil for other IEs and for ones TS 23.040 says to ignore
    /// (total 0, part 0 or part beyond total).
    init?(_ element: InformationElement) {
        let bytes = element.data
        switch (element.identifier, bytes.count) {
        case (0x00, 3):
            self.init(reference: Int(bytes[0]), total: Int(bytes[1]), part: Int(bytes[2]), uses16BitReference: false)
        case (0x08, 4):
            self.init(reference: Int(bytes[0]) << 8 | Int(bytes[1]), total: Int(bytes[2]), part: Int(bytes[3]), uses16BitReference: true)
        default:
            return nil
        }
        guard total > 0, part > 0, part <= total else { return nil }
    }
}

/// TP-UDH: the information elements at the start of the user data.
///
/// TS 23.040 §9.2.3.24 — UDHL, then IEs. Unknown IEs are kept so re-encoding is faithful.
public struct UserDataHeader: Hashable, Sendable {
    public var elements: [InformationElement]

    public init(elements: [InformationElement] = []) {
        self.elements = elements
    }

    public init(concatenation: ConcatenationInfo, otherElements: [InformationElement] = []) {
        self.elements = [concatenation.informationElement] + otherElements
    }

    /// The first valid concatenation IE; setting replaces (or removes) every concatenation IE.
    public var concatenation: ConcatenationInfo? {
        get {
            for element in elements {
                if let info = ConcatenationInfo(element) { return info }
            }
            return nil
        }
        set {
            elements.removeAll { $0.identifier == 0x00 || $0.identifier == 0x08 }
            if let newValue { elements.insert(newValue.informationElement, at: 0) }
        }
    }

    /// UDHL followed by the IEs.
    func encode(offset: Int) throws(PDUError) -> [UInt8] {
        var body: [UInt8] = []
        for element in elements {
            guard element.data.count <= 255 else {
                throw PDUError(field: "TP-UDH", offset: offset, reason: "information element longer than 255 octets")
            }
            body.append(element.identifier)
            body.append(UInt8(element.data.count))
            body.append(contentsOf: element.data)
        }
        guard body.count <= 139 else {
            throw PDUError(field: "TP-UDHL", offset: offset, reason: "user data header longer than the user data")
        }
        return [UInt8(body.count)] + body
    }

    /// Parses a header from `bytes` (UDHL first). `offset` is where `bytes` starts in the PDU.
    static func decode(_ bytes: [UInt8], offset: Int) throws(PDUError) -> UserDataHeader {
        guard let length = bytes.first else {
            throw PDUError(field: "TP-UDHL", offset: offset, reason: "user data header indicated but user data is empty")
        }
        guard Int(length) + 1 <= bytes.count else {
            throw PDUError(field: "TP-UDHL", offset: offset, reason: "header length \(length) larger than the user data")
        }
        var elements: [InformationElement] = []
        var index = 1
        let end = Int(length) + 1
        while index < end {
            guard index + 2 <= end else {
                throw PDUError(field: "TP-UDH", offset: offset + index, reason: "information element header cut off")
            }
            let identifier = bytes[index]
            let count = Int(bytes[index + 1])
            guard index + 2 + count <= end else {
                throw PDUError(field: "TP-UDH", offset: offset + index, reason: "information element longer than the header")
            }
            elements.append(InformationElement(identifier: identifier, data: Array(bytes[(index + 2)..<(index + 2 + count)])))
            index += 2 + count
        }
        return UserDataHeader(elements: elements)
    }
}
