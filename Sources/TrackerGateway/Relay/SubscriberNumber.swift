/// Whether two numbers reach the same subscriber, however each is written.
///
/// DESIGN.md "Receiving and relaying" — the gateway never relays to its own number nor back to
/// the sender. The network may give a sender as `+15550001234`, `0015550001234` or national
/// `05550001234`; the registry stores E.164. Mixed forms match when the national digits (trunk
/// `0` dropped, at least 7 left) end the international ones — erring toward "same" only ever
/// withholds a send, never adds one.
enum SubscriberNumber {
    static func same(_ first: String, _ second: String) -> Bool {
        guard let a = Form(first), let b = Form(second) else {
            // Alphanumeric senders: the same only when spelled the same.
            return !first.isEmpty && first.lowercased() == second.lowercased()
        }
        switch (a.international, b.international) {
        case (true, true):
            return a.digits == b.digits
        case (false, false):
            return a.nationalDigits == b.nationalDigits
        case (true, false):
            return b.nationalDigits.count >= 7 && a.digits.hasSuffix(b.nationalDigits)
        case (false, true):
            return a.nationalDigits.count >= 7 && b.digits.hasSuffix(a.nationalDigits)
        }
    }

    private struct Form {
        var international: Bool
        var digits: String
        var nationalDigits: Substring { digits.drop(while: { $0 == "0" }) }

        init?(_ number: String) {
            // Every relay compares the sender with each phone: the common all-ASCII number is read
            // byte by byte (the Character path below was a fifth of the daemon's instructions).
            if let ascii = Self.ascii(number) {
                self = ascii
                return
            }
            guard number.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
            var rest = Substring(number.filter { !$0.isWhitespace && !"-()./".contains($0) })
            international = rest.first == "+"
            if international { rest = rest.dropFirst() }
            guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isWholeNumber }) else { return nil }
            if !international, rest.hasPrefix("00") {
                international = true
                rest = rest.dropFirst(2)
            }
            digits = String(rest)
        }

        private init(international: Bool, digits: String) {
            self.international = international
            self.digits = digits
        }

        /// The same reading for a number of ASCII bytes only; nil when it is not one (not ASCII,
        /// or no number: then the Character path decides, or finds nothing either).
        private static func ascii(_ number: String) -> Form? {
            var digits: [UInt8] = []
            digits.reserveCapacity(number.utf8.count)
            var plus = false
            for byte in number.utf8 {
                switch byte {
                case 0x80...: return nil
                case UInt8(ascii: " "), 0x09...0x0D, UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"),
                     UInt8(ascii: "."), UInt8(ascii: "/"):
                    continue
                case UInt8(ascii: "+") where digits.isEmpty && !plus:
                    plus = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits.append(byte)
                default:
                    return nil
                }
            }
            guard !digits.isEmpty else { return nil }
            var international = plus
            var start = 0
            if !international, digits.count >= 2, digits[0] == UInt8(ascii: "0"), digits[1] == UInt8(ascii: "0") {
                international = true
                start = 2
            }
            return Form(international: international, digits: String(decoding: digits[start...], as: UTF8.self))
        }
    }
}
