import Foundation

/// One plain-text e-mail, rendered for `sendmail -t`: headers, a blank line, a quoted-printable body.
///
/// RFC 5322 §3.6 (`Date`, `From`, `To`, `Subject`, `Message-ID` — §3.3 for the date form), RFC 2045
/// §4–§6 (`MIME-Version`, `Content-Type: text/plain; charset=UTF-8`, quoted-printable) and RFC 2047
/// (encoded-words in the display names and the subject). Lines end in `\n`: the sendmail interface
/// takes local line ends and the MTA writes CRLF on the wire. The recipients are read from `To`
/// by `-t`, so a message has exactly one, the customer. Pure: the same values give the same bytes.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    public var date: Date
    /// Without the angle brackets: `<local>@<domain>`.
    public var messageID: String

    public init(from: MailAddress, to: MailAddress, subject: String, body: String, date: Date, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    /// A fresh, globally unique Message-ID at the sender's domain: 128 random bits, hex.
    public static func newMessageID(domain: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }
        return "\(random.joined()).trackerd@\(domain)"
    }

    /// The header lines in the order written, values encoded (and folded where long).
    public var headers: [(name: String, value: String)] {
        [
            ("Date", Self.rfc5322Date(date)),
            ("From", from.headerValue),
            ("To", to.headerValue),
            ("Subject", MailHeaderEncoding.unstructured(subject, headerName: "Subject")),
            ("Message-ID", "<\(messageID)>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ]
    }

    /// The whole message as `sendmail -t -oi` reads it on standard input.
    public func rendered() -> String {
        headers.map { "\($0.name): \($0.value)\n" }.joined() + "\n" + QuotedPrintable.encode(body)
    }

    /// `Tue, 01 Dec 2026 10:58:18 +0000` — RFC 5322 §3.3, always in UTC, English names whatever the locale.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[((parts.weekday ?? 1) - 1) % 7]), \(two(parts.day)) \(months[((parts.month ?? 1) - 1) % 12]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
