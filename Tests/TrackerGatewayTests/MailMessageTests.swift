import Foundation
import Testing
@testable import TrackerGateway

/// The pure mail pieces: RFC 2047 words, quoted-printable, the rendered message, the settings.
@Suite struct MailMessageTests {
    /// Decodes one `=?UTF-8?B?…?=` word, or nil when it is not one.
    static func decodeWord(_ word: Substring) -> String? {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
              let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Reads encoded-words back as a mail reader does: folding white space between words is dropped.
    static func decodeWords(_ value: String) -> String? {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\n" })
        var text = ""
        for word in words {
            guard let decoded = decodeWord(word) else { return nil }
            text += decoded
        }
        return text
    }

    @Test(arguments: ["Jürgen Müller", "Łukasz Łódź", "中村 美咲", "Zoë 🚗 Ñandú", String(repeating: "ł", count: 70)])
    func encodedWordsCarryAnyTextIntactWithinTheLengthLimit(_ text: String) throws {
        let words = MailHeaderEncoding.encodedWords(text)
        #expect(words.allSatisfy { $0.count <= MailHeaderEncoding.maximumEncodedWordLength })
        #expect(words.allSatisfy { $0.utf8.allSatisfy { (0x21...0x7E).contains($0) } })
        #expect(Self.decodeWords(MailHeaderEncoding.unstructured(text, headerName: "Subject")) == text)
        #expect(Self.decodeWords(MailHeaderEncoding.phrase(text)) == text)
    }

    struct PhraseCase: Sendable, CustomStringConvertible {
        var name: String
        var phrase: String
        var description: String { name }
    }

    @Test(arguments: [
        PhraseCase(name: "Anna Schmidt", phrase: "Anna Schmidt"),
        PhraseCase(name: "Smith, John", phrase: "\"Smith, John\""),
        PhraseCase(name: "O\"Brien \\ Co.", phrase: "\"O\\\"Brien \\\\ Co.\""),
        PhraseCase(name: "a =?UTF-8?B?x?= trick", phrase: "=?UTF-8?B?YSA9P1VURi04P0I/eD89IHRyaWNr?="),
        PhraseCase(name: "Eve\nBcc: x@evil.example", phrase: "=?UTF-8?B?RXZlCkJjYzogeEBldmlsLmV4YW1wbGU=?="),
    ])
    func displayNamesAreAtomsQuotedStringsOrEncodedWords(_ row: PhraseCase) {
        #expect(MailHeaderEncoding.phrase(row.name) == row.phrase)
    }

    struct QuotedPrintableCase: Sendable, CustomStringConvertible {
        var text: String
        var encoded: String
        var description: String { encoded }
    }

    @Test(arguments: [
        QuotedPrintableCase(text: "plain text", encoded: "plain text\n"),
        QuotedPrintableCase(text: "a = b", encoded: "a =3D b\n"),
        QuotedPrintableCase(text: "Grüße", encoded: "Gr=C3=BC=C3=9Fe\n"),
        QuotedPrintableCase(text: "中", encoded: "=E4=B8=AD\n"),
        QuotedPrintableCase(text: "trailing space \nand tab\t", encoded: "trailing space=20\nand tab=09\n"),
        QuotedPrintableCase(text: "From here on", encoded: "=46rom here on\n"),
        QuotedPrintableCase(text: "one\r\n.\r\ntwo", encoded: "one\n=2E\ntwo\n"),
        QuotedPrintableCase(text: String(repeating: "x", count: 80), encoded: String(repeating: "x", count: 75) + "=\n" + String(repeating: "x", count: 5) + "\n"),
        QuotedPrintableCase(text: String(repeating: "x", count: 74) + "ü", encoded: String(repeating: "x", count: 74) + "=\n=C3=BC\n"),
    ])
    func quotedPrintableFollowsRFC2045(_ row: QuotedPrintableCase) {
        let encoded = QuotedPrintable.encode(row.text)
        #expect(encoded == row.encoded)
        #expect(encoded.split(separator: "\n").allSatisfy { $0.count <= QuotedPrintable.maximumLineLength })
        let normalised = row.text.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(QuotedPrintable.decode(encoded) == Array(normalised.utf8))
    }

    @Test(arguments: [
        (Date(timeIntervalSince1970: 0), "Thu, 01 Jan 1970 00:00:00 +0000"),
        (Date(timeIntervalSince1970: 1_796_122_698), "Tue, 01 Dec 2026 10:58:18 +0000"),
        (Date(timeIntervalSince1970: 1_709_164_800), "Thu, 29 Feb 2024 00:00:00 +0000"),
    ])
    func datesAreRFC5322InUTC(_ date: Date, _ text: String) {
        #expect(MailMessage.rfc5322Date(date) == text)
    }

    @Test func aRenderedMessageHasEveryHeaderAndAnIntactBody() throws {
        let from = try MailAddress(parsing: "Datenschutz Büro <privacy@example.org>", field: "mail.from")
        let to = MailAddress(displayName: "Łukasz 中村", address: try EmailAddress(parsing: "lukasz@example.pl"))
        let body = "Sehr geehrte Kundin, łódź 中文.\nLine = two"
        let message = MailMessage(from: from, to: to, subject: "Änderung ł 中", body: body,
                                  date: Date(timeIntervalSince1970: 1_796_122_698), messageID: MailMessage.newMessageID(domain: from.domain))
        let rendered = message.rendered()
        let parts = rendered.components(separatedBy: "\n\n")
        let headerLines = parts[0].split(separator: "\n")
        let names = headerLines.filter { !$0.hasPrefix(" ") }.map { String($0.prefix(while: { $0 != ":" })) }
        #expect(names == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
        #expect(rendered.utf8.allSatisfy { $0 < 0x80 }, "a message on the wire is 7-bit")
        #expect(headerLines.allSatisfy { $0.count <= 78 })
        func value(_ name: String) -> String? {
            headerLines.first { $0.hasPrefix("\(name): ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        #expect(value("Date") == "Tue, 01 Dec 2026 10:58:18 +0000")
        #expect(value("MIME-Version") == "1.0")
        #expect(value("Content-Type") == "text/plain; charset=UTF-8")
        #expect(value("Content-Transfer-Encoding") == "quoted-printable")
        #expect(value("Message-ID")?.hasSuffix(".trackerd@example.org>") == true)
        #expect(value("To")?.hasSuffix(" <lukasz@example.pl>") == true)
        #expect(Self.decodeWords(try #require(value("To")).replacingOccurrences(of: " <lukasz@example.pl>", with: "")) == "Łukasz 中村")
        #expect(Self.decodeWords(try #require(value("Subject"))) == "Änderung ł 中")
        #expect(QuotedPrintable.decode(parts.dropFirst().joined(separator: "\n\n")).map { String(decoding: $0, as: UTF8.self) } == body)
    }

    @Test func messageIDsAreRandomAndAtTheSendersDomain() {
        let ids = Set((0..<50).map { _ in MailMessage.newMessageID(domain: "example.org") })
        #expect(ids.count == 50)
        #expect(ids.allSatisfy { $0.hasSuffix("@example.org") && $0.count == 32 + ".trackerd@example.org".count })
    }

    @Test func aLongASCIISubjectIsFoldedAtSpaces() {
        let subject = Array(repeating: "privacy", count: 20).joined(separator: " ")
        let folded = MailHeaderEncoding.unstructured(subject, headerName: "Subject")
        #expect(folded.contains("\n "))
        #expect(("Subject: " + folded).split(separator: "\n").allSatisfy { $0.count <= 78 })
        #expect(folded.replacingOccurrences(of: "\n", with: "") == subject)
    }

    struct SettingsCase: Sendable, CustomStringConvertible {
        var environment: [String: String]
        var file: [String: String]
        var sendmail: [String]?
        var from: String?
        var error: GatewayError?
        var description: String { "\(environment) \(file)" }
    }

    @Test(arguments: [
        SettingsCase(environment: [:], file: [:], sendmail: ["/usr/sbin/sendmail", "-t", "-oi"], from: nil),
        SettingsCase(environment: ["TRACKERD_MAIL_FROM": "a@example.org"], file: ["mail.from": "b@example.org"], sendmail: ["/usr/sbin/sendmail", "-t", "-oi"], from: "a@example.org"),
        SettingsCase(environment: ["TRACKERD_MAIL_FROM": ""], file: ["mail.from": "b@example.org", "mail.sendmail": "msmtp -t"], sendmail: ["msmtp", "-t"], from: "b@example.org"),
        SettingsCase(environment: ["TRACKERD_MAIL_SENDMAIL": "/opt/my mta/bin/send -t"], file: ["mail.sendmail": "x"], sendmail: ["/opt/my", "mta/bin/send", "-t"], from: nil),
        SettingsCase(environment: ["TRACKERD_MAIL_SENDMAIL": "'/opt/my mta/send' -f \"a b\" x\\ y"], file: [:], sendmail: ["/opt/my mta/send", "-f", "a b", "x y"], from: nil),
        SettingsCase(environment: ["TRACKERD_MAIL_SENDMAIL": "'/usr/sbin/sendmail -t"], file: [:],
                     error: .configuration(key: "TRACKERD_MAIL_SENDMAIL", reason: "has an unclosed quote or a trailing backslash")),
        SettingsCase(environment: [:], file: ["mail.sendmail": "  "], sendmail: ["/usr/sbin/sendmail", "-t", "-oi"], from: nil),
        SettingsCase(environment: ["TRACKERD_MAIL_FROM": "not-an-address"], file: [:],
                     error: .configuration(key: "TRACKERD_MAIL_FROM", reason: "must contain exactly one @")),
        SettingsCase(environment: [:], file: ["mail.from": "Privacy <privacy@>"],
                     error: .configuration(key: "mail.from", reason: "needs a domain with a dot after the @")),
    ])
    func settingsResolveEnvironmentOverFileOverDefault(_ row: SettingsCase) throws {
        guard row.error == nil else {
            #expect(throws: row.error!) { try MailSettings.resolve(environment: row.environment, file: row.file) }
            return
        }
        let settings = try MailSettings.resolve(environment: row.environment, file: row.file)
        #expect(settings.sendmail == row.sendmail)
        #expect(settings.from?.address.value == row.from)
    }

    @Test func noSenderIsAConfigurationErrorNamingTheVariable() throws {
        let settings = try MailSettings.resolve(environment: [:])
        #expect(throws: GatewayError.configuration(key: "mail.from", reason: "is not set; set TRACKERD_MAIL_FROM (or mail.from in the config file) to the address notices are sent from")) {
            try settings.requiredFrom()
        }
    }

    @Test(arguments: [
        ("privacy@example.org", nil as String?, "privacy@example.org"),
        ("Privacy Desk <privacy@example.org>", "Privacy Desk", "privacy@example.org"),
        ("\"Smith, Jo\" <jo@example.org>", "Smith, Jo", "jo@example.org"),
        ("<jo@example.org>", nil, "jo@example.org"),
    ])
    func senderAddressesParse(_ text: String, _ name: String?, _ address: String) throws {
        let parsed = try MailAddress(parsing: text, field: "mail.from")
        #expect(parsed.displayName == name)
        #expect(parsed.address.value == address)
        #expect(parsed.domain == String(address.split(separator: "@")[1]))
    }
}
