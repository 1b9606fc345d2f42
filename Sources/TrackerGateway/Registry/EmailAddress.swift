/// A plausible e-mail address: one `@`, a local part, and a domain of DNS labels with an alphabetic TLD.
///
/// RFC 5321 §4.5.3.1 — length limits (local part 64, address 254 in practice). Plausible, not proven:
/// quoted local parts and IP-literal domains are refused on purpose, they are never a customer's address.
public struct EmailAddress: Hashable, Sendable {
    public let value: String

    public init(parsing text: String, field: String = "--email") throws {
        let trimmed = text.trimmingSpaces()
        if let problem = EmailAddress.problem(with: trimmed) {
            throw GatewayError.invalidInput(field: field, reason: problem)
        }
        value = trimmed
    }

    /// Why `text` is not a plausible address, or nil.
    static func problem(with text: String) -> String? {
        guard !text.isEmpty else { return "is empty" }
        guard text.utf8.count <= 254 else { return "is longer than 254 characters" }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64 else { return "needs a local part of 1 to 64 characters before the @" }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
        guard local.allSatisfy({ localAllowed.contains($0) }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return "has characters or dots in the local part that an address cannot have"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "needs a domain with a dot after the @" }
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                  label.allSatisfy({ labelAllowed.contains($0) }),
                  !label.hasPrefix("-"), !label.hasSuffix("-") else {
                return "has a domain that is not a valid host name"
            }
        }
        guard let topLevel = labels.last, topLevel.count >= 2, topLevel.allSatisfy(\.isLetter) else {
            return "needs a top-level domain of at least two letters"
        }
        return nil
    }
}
