import Foundation

/// Dates as the operator types and reads them: ISO 8601 in, UTC stored, the operator's zone shown.
///
/// ISO 8601-1:2019 §5.2.2 calendar dates (`2026-12-01`), §5.3 times of day (`T08:30`, `T08:30:15`,
/// a space instead of the `T` is accepted), §5.3.4 the zone (`Z`, `+01:00`, `+0100`, `+01`). A date
/// or time without a zone is in the operator's zone (`TZ`); a bare date is the start of that day.
/// Anything else, or a day that does not exist (`2026-02-30`), is refused.
public enum RightsDates {
    /// The zone of `TZ` (`Europe/Berlin`, `:Europe/Berlin`, `UTC`), else the system's.
    public static func operatorTimeZone(environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeZone {
        if var name = environment["TZ"], !name.isEmpty {
            if name.hasPrefix(":") { name.removeFirst() }
            if name.hasPrefix("/usr/share/zoneinfo/") { name.removeFirst("/usr/share/zoneinfo/".count) }
            if let zone = TimeZone(identifier: name) { return zone }
        }
        return TimeZone.current
    }

    /// Parses `text` (see the type's summary); `field` names the option in the error.
    public static func parse(_ text: String, field: String, timeZone: TimeZone) throws -> Date {
        let refusal = GatewayError.invalidInput(field: field, reason: "expected an ISO 8601 date or time such as 2026-12-01, 2026-12-01T14:30 or 2026-12-01T14:30:00+01:00")
        var scanner = Array(text.trimmingSpaces().utf8)[...]
        func number(_ digits: Int) -> Int? {
            guard scanner.count >= digits, scanner.prefix(digits).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let value = scanner.prefix(digits).reduce(0) { $0 * 10 + Int($1 - 0x30) }
            scanner = scanner.dropFirst(digits)
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard scanner.first == byte else { return false }
            scanner = scanner.dropFirst()
            return true
        }
        guard let year = number(4), take(0x2D), let month = number(2), take(0x2D), let day = number(2) else { throw refusal }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var zone = timeZone
        if take(0x54) || take(0x20) {
            guard let hour = number(2), take(0x3A), let minute = number(2) else { throw refusal }
            components.hour = hour
            components.minute = minute
            if take(0x3A) {
                guard let second = number(2) else { throw refusal }
                components.second = second
            }
            if take(0x5A) {
                zone = TimeZone(secondsFromGMT: 0) ?? zone
            } else if let sign = scanner.first, sign == 0x2B || sign == 0x2D {
                scanner = scanner.dropFirst()
                guard let hours = number(2) else { throw refusal }
                var minutes = 0
                if take(0x3A) {
                    guard let value = number(2) else { throw refusal }
                    minutes = value
                } else if let value = number(2) {
                    minutes = value
                }
                guard hours <= 14, minutes < 60, let offset = TimeZone(secondsFromGMT: (sign == 0x2B ? 1 : -1) * (hours * 3_600 + minutes * 60)) else { throw refusal }
                zone = offset
            }
        }
        guard scanner.isEmpty else { throw refusal }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: components) else { throw refusal }
        // The calendar rolls 2026-02-30 over to March: a value that does not come back was not a real day.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day,
              back.hour == components.hour, back.minute == components.minute, back.second == components.second else { throw refusal }
        return date
    }

    /// `2026-12-11` for the start of a day in `timeZone`, `2026-12-11 14:30 CET` otherwise.
    public static func display(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let day = "\(String(format: "%04d", parts.year ?? 0))-\(two(parts.month))-\(two(parts.day))"
        if parts.hour == 0 && parts.minute == 0 && parts.second == 0 { return day }
        let zone = timeZone.secondsFromGMT(for: date) == 0 && ["UTC", "GMT", "Etc/UTC"].contains(timeZone.identifier)
            ? "UTC" : timeZone.abbreviation(for: date) ?? timeZone.identifier
        return "\(day) \(two(parts.hour)):\(two(parts.minute)) \(zone)"
    }

    /// A span for people: `3 days`, `1 day`, `5 h`, `40 min`.
    public static func span(_ interval: TimeInterval) -> String {
        let seconds = abs(interval)
        if seconds >= 2 * 86_400 { return "\(Int(seconds / 86_400)) days" }
        if seconds >= 86_400 { return "1 day" + (seconds >= 86_400 + 3_600 ? " \(Int((seconds - 86_400) / 3_600)) h" : "") }
        if seconds >= 3_600 { return "\(Int(seconds / 3_600)) h" }
        return "\(max(1, Int(seconds / 60))) min"
    }
}
