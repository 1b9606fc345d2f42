/// How notices leave by e-mail: the host's sendmail command and the sender address.
///
/// DESIGN.md invariant 8; issue 12's `mail:` keys. trackerd speaks no SMTP of its own: every MTA
/// (Postfix, Exim, msmtp-mta, …) provides `/usr/sbin/sendmail -t -oi`, which takes a message on
/// standard input and exits 0 once it has accepted it. Resolution, highest first: the environment
/// (`TRACKERD_MAIL_SENDMAIL`, `TRACKERD_MAIL_FROM`), the config file (`mail.sendmail`, `mail.from`,
/// as the caller passes them in), the default command. An empty value counts as unset.
public struct MailSettings: Sendable, Equatable {
    public static let sendmailVariable = "TRACKERD_MAIL_SENDMAIL"
    public static let fromVariable = "TRACKERD_MAIL_FROM"
    public static let sendmailKey = "mail.sendmail"
    public static let fromKey = "mail.from"
    public static let defaultSendmail = "/usr/sbin/sendmail -t -oi"

    /// The command split into its arguments (no shell ever sees it).
    public var sendmail: [String]
    /// Where the command came from (`TRACKERD_MAIL_SENDMAIL`, `mail.sendmail` or `default`), for messages.
    public var sendmailSource: String
    /// Nil when neither the environment nor the file sets one: commands that must mail refuse.
    public var from: MailAddress?

    public init(sendmail: [String], sendmailSource: String, from: MailAddress?) {
        precondition(!sendmail.isEmpty, "a sendmail command has at least the program")
        self.sendmail = sendmail
        self.sendmailSource = sendmailSource
        self.from = from
    }

    /// The settings from the environment over the config file's `mail.*` values over the defaults.
    public static func resolve(environment: [String: String], file: [String: String] = [:]) throws -> MailSettings {
        func pick(_ variable: String, _ key: String) -> (value: String, source: String)? {
            if let value = environment[variable], !value.trimmingSpaces().isEmpty { return (value, variable) }
            if let value = file[key], !value.trimmingSpaces().isEmpty { return (value, key) }
            return nil
        }
        let command = pick(sendmailVariable, sendmailKey) ?? (defaultSendmail, "default")
        let arguments = try splitCommand(command.value, source: command.source)
        let from = try pick(fromVariable, fromKey).map { value, source in
            do {
                return try MailAddress(parsing: value, field: source)
            } catch GatewayError.invalidInput(let field, let reason) {
                throw GatewayError.configuration(key: field, reason: reason)
            }
        }
        return MailSettings(sendmail: arguments, sendmailSource: command.source, from: from)
    }

    /// The sender, or the configuration error that names where to set it.
    public func requiredFrom() throws -> MailAddress {
        guard let from else {
            throw GatewayError.configuration(
                key: Self.fromKey,
                reason: "is not set; set \(Self.fromVariable) (or mail.from in the config file) to the address notices are sent from")
        }
        return from
    }

    /// Splits a command line into arguments as a shell would split words, and nothing more: single
    /// quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash escapes the next
    /// character. No variables, globs or redirections — those would need a shell, which is refused.
    public static func splitCommand(_ text: String, source: String) throws -> [String] {
        var arguments: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(character)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
                inWord = true
            case ("\"", _):
                current.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, _) where character == " " || character == "\t":
                if inWord { arguments.append(current) }
                current = ""
                inWord = false
            case (nil, _) where character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }):
                throw GatewayError.configuration(key: source, reason: "contains a control character")
            default:
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw GatewayError.configuration(key: source, reason: "has an unclosed quote or a trailing backslash")
        }
        if inWord { arguments.append(current) }
        guard !arguments.isEmpty else {
            throw GatewayError.configuration(key: source, reason: "is empty; give a command such as \(defaultSendmail)")
        }
        return arguments
    }
}
