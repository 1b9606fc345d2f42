/// Masks a phone number for logs: country code and last four digits kept (`+1•••••0001`).
///
/// Invariant 6 of DESIGN.md: a log line never carries a full number.
public enum NumberMask {
    public static func mask(_ number: String) -> String {
        let characters = Array(number)
        let hasPlus = characters.first == "+"
        let digits = characters.filter(\.isNumber)
        guard digits.count > 6 else { return hasPlus ? "+" + String(repeating: "•", count: digits.count) : String(repeating: "•", count: digits.count) }
        let head = hasPlus ? "+" + String(digits.prefix(1)) : ""
        let tail = String(digits.suffix(4))
        let hidden = digits.count - (hasPlus ? 1 : 0) - 4
        return head + String(repeating: "•", count: hidden) + tail
    }
}
