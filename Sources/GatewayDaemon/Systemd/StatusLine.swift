import Foundation

/// The one line `STATUS=` shows in `systemctl status trackerd`: `2/2 modems ready, 143 relays today`.
///
/// Counts only, never a number, a name or a body (DESIGN.md invariant 6), so it may sit in the
/// service manager's state and in the journal. "Today" is the local calendar day: the relay
/// counter is remembered at the first look of each day and counted from there.
public struct StatusLine: Sendable, Equatable {
    private var day: DateComponents?
    private var relayedAtDayStart = 0

    public init() {}

    /// The line for `status` at `now`.
    public mutating func text(modemsReady: Int, modems: Int, relayedSinceStart: Int, now: Date, calendar: Calendar = .current) -> String {
        let today = calendar.dateComponents([.year, .month, .day], from: now)
        if day == nil {
            // The counter started at zero with the process: everything so far was today.
            day = today
        } else if day != today {
            day = today
            relayedAtDayStart = relayedSinceStart
        }
        let relays = relayedSinceStart - relayedAtDayStart
        return "\(modemsReady)/\(modems) modems ready, \(relays) \(relays == 1 ? "relay" : "relays") today"
    }

    /// What `STATUS=` says while the watchdog is withheld, naming modems by position only.
    public static func stuck(_ modems: [Int]) -> String {
        let names = modems.map { "modem \($0 + 1)" }.joined(separator: ", ")
        return "watchdog withheld: thread of \(names) not turning"
    }
}
