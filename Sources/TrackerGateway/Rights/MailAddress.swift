/// A mailbox: an address and, optionally, the name shown with it.
///
/// RFC 5322 §3.4 — `mailbox = name-addr / addr-spec`. The address passes ``EmailAddress``'s rules
/// (plain ASCII, no quoted local part), so it can never smuggle a header line break or a second
/// recipient into a message; the display name is encoded by ``MailHeaderEncoding`` when rendered.
public struct MailAddress: Sendable, Equatable {
    public var displayName: String?
    public var address: EmailAddress

    public init(displayName: String? = nil, address: EmailAddress) {
        let trimmed = displayName?.trimmingSpaces()
        self.displayName = (trimmed?.isEmpty ?? true) ? nil : trimmed
        self.address = address
    }

    /// Parses `privacy@example.org` or `Privacy Desk <privacy@example.org>` (the `mail.from` forms).
    public init(parsing text: String, field: String) throws {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            self.init(address: try EmailAddress(parsing: trimmed, field: field))
            return
        }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        var name = String(trimmed[..<open]).trimmingSpaces()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "<" || $0 == ">" }) else {
            throw GatewayError.invalidInput(field: field, reason: "has a display name with control characters or angle brackets")
        }
        self.init(displayName: name, address: try EmailAddress(parsing: String(inner), field: field))
    }

    /// The part after the `@`, for Message-ID (RFC 5322 §3.6.4).
    public var domain: String {
        address.value.split(separator: "@").last.map(String.init) ?? address.value
    }

    /// The header form: `addr` alone, or `phrase <addr>` with the name encoded as RFC 2047 requires.
    public var headerValue: String {
        guard let displayName else { return address.value }
        return "\(MailHeaderEncoding.phrase(displayName)) <\(address.value)>"
    }
}
