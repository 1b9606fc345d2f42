/// Why the configuration cannot be used: one line that names where the bad value is.
///
/// Issue 12: a bad file stops start-up with one line naming the file, line and key (exit 78,
/// `EX_CONFIG`). A value from the environment names its variable instead; a file that cannot be
/// read at all names only the file. The message never repeats a PIN, and a number only masked.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the value came from: the file path, or `environment` for a `TRACKERD_…` variable.
    public var source: String
    /// The 1-based line in the file, when the value came from one.
    public var line: Int?
    /// The key's dotted path (`modems[1].number`, `relay.max-age`) or the variable's name.
    public var key: String?
    public var reason: String

    public init(source: String, line: Int? = nil, key: String? = nil, reason: String) {
        self.source = source
        self.line = line
        self.key = key
        self.reason = reason
    }

    /// `/etc/trackerd/trackerd.yaml:7: modems[0].number: is not an E.164 number …`
    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + reason
    }
}
