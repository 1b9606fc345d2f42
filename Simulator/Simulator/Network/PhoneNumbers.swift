/// How the virtual network compares subscriber numbers.
///
/// Trackers and people write numbers with or without `+` and country code
/// (`admin123456 13811111111`); a network matches on the digits, and on the last nine
/// digits when one side is written without its country code, as home-network short forms are.
enum PhoneNumbers {
    /// The digits of a number, without `+`, spaces or dashes.
    static func digits(_ number: String) -> String {
        String(number.unicodeScalars.filter { $0.properties.numericType != nil && $0.isASCII }.map(Character.init))
    }

    /// Whether two written numbers reach the same subscriber.
    static func same(_ a: String, _ b: String) -> Bool {
        let left = digits(a)
        let right = digits(b)
        guard !left.isEmpty, !right.isEmpty else { return false }
        if left == right { return true }
        // Two international numbers are the same only digit for digit.
        let international = [a, b].filter { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("+") }.count
        guard international < 2 else { return false }
        let significant = 9
        guard left.count >= significant, right.count >= significant, left.count != right.count else { return false }
        return left.suffix(significant) == right.suffix(significant)
    }

    /// Whether `number` looks like a phone number: optional `+`, then 3 to 20 digits.
    static func isPlausible(_ number: String) -> Bool {
        var body = Substring(number)
        if body.first == "+" { body = body.dropFirst() }
        return (3...20).contains(body.count) && body.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
