/// A malformed or unencodable PDU: which field, at which byte, and why.
///
/// TS 23.040 §9.2 — every TPDU field has a fixed place; `offset` is the byte offset of the
/// offending field counted from the start of the decoded bytes (the SMSC length octet when
/// decoding a modem PDU, the first TPDU octet otherwise). `reason` never quotes the message
/// body, so the error may be logged.
public struct PDUError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The TS 23.040 field name, e.g. "TP-UDL", "TP-OA", "SMSC".
    public var field: String
    /// Byte offset of the field in the input (or in the output, for encoding errors).
    public var offset: Int
    /// What is wrong, without any message content.
    public var reason: String

    public init(field: String, offset: Int, reason: String) {
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "malformed PDU: \(field) at byte \(offset): \(reason)"
    }
}

/// A bounds-checked cursor over PDU bytes; every read names the field it is for.
///
/// Offsets are absolute positions in `bytes`, so errors from a TPDU decoded behind an SMSC
/// prefix point at the right byte of the whole PDU.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte(_ field: String) throws(PDUError) -> UInt8 {
        guard position < bytes.count else {
            throw PDUError(field: field, offset: position, reason: "truncated: PDU ends before this field")
        }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bytes(_ count: Int, _ field: String) throws(PDUError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw PDUError(
                field: field, offset: position,
                reason: "truncated: needs \(count) bytes, \(max(remaining, 0)) left")
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }
}
