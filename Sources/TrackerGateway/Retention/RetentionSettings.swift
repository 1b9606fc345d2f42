import Foundation

/// The operator's retention configuration, as kept in the registry's settings table.
///
/// DESIGN.md invariant 5. Keys (set with `trackerd config set KEY VALUE`, read by the CLI and by the
/// daemon's sweeper on every sweep):
/// - `retention.after-termination` — grace period after termination before PII is purged (default 30 days);
/// - `retention.audit` — age after which audit entries are deleted (default 90 days);
/// - `retention.sweep-interval` — how often the daemon sweeps (default 1 hour).
/// Values are durations: a number with a unit `d`, `h`, `m` or `s` (`30d`, `12h`); a bare number is days.
public struct RetentionSettings: Sendable, Equatable {
    public var afterTermination: TimeInterval
    public var audit: TimeInterval
    public var sweepInterval: TimeInterval

    public static let defaults = RetentionSettings(afterTermination: 30 * 86_400, audit: 90 * 86_400, sweepInterval: 3_600)

    public init(afterTermination: TimeInterval, audit: TimeInterval, sweepInterval: TimeInterval) {
        self.afterTermination = afterTermination
        self.audit = audit
        self.sweepInterval = sweepInterval
    }

    public var policy: RetentionPolicy {
        RetentionPolicy(terminatedGracePeriod: afterTermination, auditRetention: audit)
    }

    /// A setting the operator may change.
    public enum Key: String, Sendable, CaseIterable {
        case afterTermination = "retention.after-termination"
        case audit = "retention.audit"
        case sweepInterval = "retention.sweep-interval"

        /// The longest value accepted: ten years of retention, a day between sweeps.
        var maximum: TimeInterval { self == .sweepInterval ? 86_400 : 3_650 * 86_400 }
        /// A sweep interval under a minute would only burn CPU.
        var minimum: TimeInterval { self == .sweepInterval ? 60 : 0 }
    }

    public func value(for key: Key) -> TimeInterval {
        switch key {
        case .afterTermination: return afterTermination
        case .audit: return audit
        case .sweepInterval: return sweepInterval
        }
    }

    public mutating func set(_ key: Key, _ seconds: TimeInterval) {
        switch key {
        case .afterTermination: afterTermination = seconds
        case .audit: audit = seconds
        case .sweepInterval: sweepInterval = seconds
        }
    }

    /// Parses `30d`, `12h`, `90m`, `3600s` or a bare number of days, within the key's bounds.
    public static func parseDuration(_ text: String, for key: Key) throws -> TimeInterval {
        let trimmed = text.trimmingSpaces().lowercased()
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var digits = Substring(trimmed)
        var unit: TimeInterval = 86_400
        if let last = digits.last, let factor = units[last] {
            unit = factor
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let count = Int(digits) else {
            throw GatewayError.invalidInput(field: key.rawValue, reason: "must be a duration such as 30d, 12h, 90m or 3600s")
        }
        let seconds = TimeInterval(count) * unit
        guard seconds >= key.minimum, seconds <= key.maximum else {
            throw GatewayError.invalidInput(field: key.rawValue, reason: "must be between \(format(key.minimum)) and \(format(key.maximum))")
        }
        return seconds
    }

    /// The shortest exact form: `30d`, `12h`, `90m`, `45s`.
    public static func format(_ seconds: TimeInterval) -> String {
        let whole = Int64(seconds)
        for (unit, factor) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where whole >= factor && whole % factor == 0 {
            return "\(whole / factor)\(unit)"
        }
        return "\(whole)s"
    }
}
