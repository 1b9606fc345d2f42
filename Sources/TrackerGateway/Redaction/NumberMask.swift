import Foundation

/// Masks a phone number for logs: `+`, the first digit of the country code, bullets, the last
/// four digits (`+1•••••0001`).
///
/// DESIGN.md invariant 6 — a log line never carries a full number. The rules hold for every
/// length, so a short number is never printed almost whole:
/// - the bullets are always five, whatever the length, so the mask does not leak the length;
/// - at least four digits always stay hidden: a number of 10+ digits shows its first digit
///   (international only) and last four, one of 7–9 digits shows its first digit
///   (international only) and last two, anything shorter shows no digit at all;
/// - only ASCII digits count; spaces, dashes and brackets are ignored; `00` counts as `+`;
/// - a sender with letters (an alphanumeric sender id) is masked whole.
public enum NumberMask {
    static let bullets = "•••••"

    public static func mask(_ number: String) -> String {
        var characters = Substring(number.trimmingCharacters(in: .whitespacesAndNewlines))
        var international = false
        if characters.first == "+" {
            international = true
            characters = characters.dropFirst()
        }
        if characters.contains(where: { $0.isLetter }) {
            return bullets
        }
        var digits = String(characters.filter { $0.isASCII && $0.isWholeNumber })
        if !international, digits.hasPrefix("00") {
            international = true
            digits = String(digits.dropFirst(2))
        }
        let shownTail: Int
        let shownHead: Int
        switch digits.count {
        case 10...:
            shownTail = 4
            shownHead = international ? 1 : 0
        case 7...9:
            shownTail = 2
            shownHead = international ? 1 : 0
        default:
            shownTail = 0
            shownHead = 0
        }
        let head = (international ? "+" : "") + String(digits.prefix(shownHead))
        return head + bullets + String(digits.suffix(shownTail))
    }
}

/// A number for log metadata, masked when a line is written (``NumberMask``) and not before: the
/// relay tags every send with its destination, and at `warning` no line is written at all.
/// Whatever renders it — description, debug description, interpolation — sees only the mask.
public struct MaskedNumber: CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    private let number: String

    public init(_ number: String) { self.number = number }

    public var description: String { NumberMask.mask(number) }
    public var debugDescription: String { description }
}
