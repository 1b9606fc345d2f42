import ATModem
import Foundation
import Logging
import TrackerGateway

/// Every scalar key of the config file, once: its dotted path, how its text becomes a value,
/// and (by rule) its environment variable. The file reader, the environment reader and the
/// documentation all use this one table, so a key cannot be spelt two ways.
///
/// Issue 12 fixes the names. The variable is `TRACKERD_` and the path in capitals with `.` and
/// `-` as `_`: `relay.max-age` is `TRACKERD_RELAY_MAX_AGE`. `modems:` is a list and has no
/// variable (the command line's `--modem` gives modems one by one).
struct ConfigurationKey: Sendable {
    let path: String
    let apply: @Sendable (inout GatewayConfiguration, String) throws(ValueProblem) -> Void

    var environmentVariable: String {
        "TRACKERD_" + path.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.reduce(into: "") { $0.append($1) }
    }

    /// The sections whose keys are `section.key`.
    static let sections: Set<String> = ["relay", "metrics", "mail", "log"]

    static let all: [ConfigurationKey] = [
        ConfigurationKey(path: "data-dir") { config, text throws(ValueProblem) in config.dataDirectory = try ValueProblem.path(text) },
        ConfigurationKey(path: "registry") { config, text throws(ValueProblem) in config.registry = try ValueProblem.nonEmpty(text) },
        ConfigurationKey(path: "health-probe-seconds") { config, text throws(ValueProblem) in
            config.healthProbeSeconds = try ValueProblem.count(text, in: 1...86_400)
        },
        ConfigurationKey(path: "relay.max-age") { config, text throws(ValueProblem) in config.relay.maxAge = try ValueProblem.maximumAge(text) },
        ConfigurationKey(path: "relay.tracker-per-hour") { config, text throws(ValueProblem) in config.relay.trackerPerHour = try ValueProblem.count(text) },
        ConfigurationKey(path: "relay.tracker-burst") { config, text throws(ValueProblem) in config.relay.trackerBurst = try ValueProblem.count(text) },
        ConfigurationKey(path: "relay.phone-per-hour") { config, text throws(ValueProblem) in config.relay.phonePerHour = try ValueProblem.count(text) },
        ConfigurationKey(path: "relay.phone-burst") { config, text throws(ValueProblem) in config.relay.phoneBurst = try ValueProblem.count(text) },
        ConfigurationKey(path: "metrics.listen") { config, text throws(ValueProblem) in
            do { config.metricsListen = try ListenAddress(parsing: text) } catch { throw ValueProblem("\(error)") }
        },
        ConfigurationKey(path: "mail.sendmail") { config, text throws(ValueProblem) in
            do { _ = try MailSettings.splitCommand(text, source: "mail.sendmail") } catch { throw ValueProblem(reason(of: error)) }
            config.mailSendmail = text
        },
        ConfigurationKey(path: "mail.from") { config, text throws(ValueProblem) in
            do { _ = try MailAddress(parsing: text, field: "mail.from") } catch { throw ValueProblem(reason(of: error)) }
            config.mailFrom = text
        },
        ConfigurationKey(path: "log.level") { config, text throws(ValueProblem) in config.logLevel = try ValueProblem.level(text) },
    ]

    static let byPath: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })

    /// The keys of one `modems:` entry.
    static let modemKeys: Set<String> = ["device", "number", "pin", "pin-file", "receive", "baud", "flow-control"]

    /// A library error's reason without its field name (the caller names the key).
    private static func reason(of error: any Error) -> String {
        switch error {
        case GatewayError.configuration(_, let reason), GatewayError.invalidInput(_, let reason): return reason
        default: return "\(error)"
        }
    }
}

/// What is wrong with one value, without saying where (the caller knows the file, line and key).
struct ValueProblem: Error, Equatable, Sendable {
    var reason: String

    init(_ reason: String) { self.reason = reason }

    static func nonEmpty(_ text: String) throws(ValueProblem) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValueProblem("must not be empty") }
        return trimmed
    }

    static func path(_ text: String) throws(ValueProblem) -> String {
        let path = try nonEmpty(text)
        guard path.hasPrefix("/") else { throw ValueProblem("must be an absolute path, not '\(path)'") }
        return path
    }

    /// A whole number in `range` (rate limits: at least one message through).
    static func count(_ text: String, in range: ClosedRange<Int> = 1...1_000_000) throws(ValueProblem) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Int(trimmed) else { throw ValueProblem("must be a whole number, not '\(trimmed)'") }
        guard range.contains(value) else { throw ValueProblem("must be from \(range.lowerBound) to \(range.upperBound), not \(value)") }
        return value
    }

    /// `10m`, `600s`, `2h`, or a bare number of minutes (as `--max-age` takes); 1 minute to 1 day.
    static func maximumAge(_ text: String) throws(ValueProblem) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Int64] = ["h": 3_600, "m": 60, "s": 1]
        var digits = Substring(trimmed)
        var unit: Int64 = 60
        if let last = digits.last, let factor = units[last] {
            unit = factor
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCIIDigit), let count = Int64(digits) else {
            throw ValueProblem("must be a duration such as 10m, 600s or 2h, not '\(trimmed)'")
        }
        let seconds = count * unit
        guard (60...86_400).contains(seconds) else { throw ValueProblem("must be from 1m to 24h, not \(trimmed)") }
        return .seconds(seconds)
    }

    static func level(_ text: String) throws(ValueProblem) -> Logger.Level {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let level = Logger.Level(rawValue: trimmed) else {
            throw ValueProblem("must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(trimmed)'")
        }
        return level
    }

    /// E.164, normalised (`+4917000000001`); the reason never repeats the number.
    static func number(_ text: String) throws(ValueProblem) -> String {
        switch PhoneNumber.parse(text) {
        case .success(let number): return number.e164
        case .failure(let problem): throw ValueProblem("is not an E.164 number: it \(problem)")
        }
    }

    /// A SIM PIN: 4 to 8 digits (TS 27.007 §8.3); the reason never repeats it.
    static func pin(_ text: String) throws(ValueProblem) -> Secret {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (4...8).contains(trimmed.count), trimmed.allSatisfy(\.isASCIIDigit) else { throw ValueProblem("must be 4 to 8 digits") }
        return Secret(trimmed)
    }

    static func receive(_ text: String) throws(ValueProblem) -> ModemConfiguration.ReceiveMode {
        guard let mode = ModemConfiguration.ReceiveMode(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw ValueProblem("must be storage or direct, not '\(text)'")
        }
        return mode
    }

    static func flowControl(_ text: String) throws(ValueProblem) -> SerialSettings.FlowControl {
        guard let mode = SerialSettings.FlowControl(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw ValueProblem("must be none or rts-cts, not '\(text)'")
        }
        return mode
    }
}
