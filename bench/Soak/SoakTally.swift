import Simulator

/// Who got which report, counted from the simulated phones' inboxes.
///
/// A report is identified by its text alone (`ReportText` makes each one unique, and the relay
/// forwards it unchanged). Lost: some phone that consents never got it. Duplicated: the extra
/// copies a phone got. Misdirected: a copy on a phone of another customer, or on the one that
/// sent STOP — either breaks DESIGN.md invariant 3 or 7.
struct SoakTally: Sendable {
    /// Reports sent so far whose every consenting phone has a copy.
    var complete: Set<Int> = []
    /// Sent reports some consenting phone still lacks.
    var incomplete: Set<Int> = []
    /// Extra copies beyond the first, over every phone.
    var extraCopies = 0
    /// Reports that reached some phone more than once.
    var reportsDuplicated = 0
    /// Copies on a phone of another customer.
    var misdirected = 0
    /// Copies on the phone that sent STOP.
    var toStoppedPhone = 0
    /// Inbox messages from the gateway that are no report: keyword replies (the answer to STOP).
    var otherMessages = 0
    /// Inbox messages that look like a report whose text changed on the way.
    var altered = 0
    /// Those messages, with the phone that got them, for the findings file.
    var alteredMessages: [(phone: String, message: InboxMessage)] = []
    /// Per report: copies per phone (only for reports some phone got).
    var copiesByReport: [Int: [String: Int]] = [:]
    /// Per consenting phone: (distinct reports received, reports it should have).
    var perPhone: [String: (received: Int, expected: Int)] = [:]
    /// Every message in every inbox: grows with each arrival, so a stalled relay shows.
    var inboxTotal = 0

    /// Counts over the reports `0..<sent` of `plan`, from `simulation`'s inboxes now.
    init(plan: SoakPlan, sent: Int, simulation: Simulation, index: [String: Int]) {
        let cast = plan.cast
        var copies: [[String: Int]] = Array(repeating: [:], count: plan.reports.count)
        for phone in cast.allPhones {
            for message in simulation.inbox(of: phone) ?? [] {
                inboxTotal += 1
                guard let report = index[message.text] else {
                    if message.text.contains("lat") || message.text.contains("Lat") || message.text.contains("纬度") {
                        altered += 1
                        alteredMessages.append((phone, message))
                    } else {
                        otherMessages += 1
                    }
                    continue
                }
                copies[report][phone, default: 0] += 1
            }
        }
        for phone in cast.allPhones where phone != cast.stoppedPhone { perPhone[phone] = (0, 0) }
        for report in plan.reports where report.index < sent {
            let owners = cast.phones[cast.trackers[report.tracker].customer]
            let consenting = cast.consentingPhones(ofTracker: report.tracker)
            let got = copies[report.index]
            if !got.isEmpty { copiesByReport[report.index] = got }
            var missing = false
            for phone in consenting {
                let count = got[phone, default: 0]
                perPhone[phone, default: (0, 0)].expected += 1
                if count > 0 { perPhone[phone, default: (0, 0)].received += 1 } else { missing = true }
            }
            if missing { incomplete.insert(report.index) } else { complete.insert(report.index) }
            var duplicated = false
            for (phone, count) in got {
                if phone == cast.stoppedPhone {
                    toStoppedPhone += count
                } else if !owners.contains(phone) {
                    misdirected += count
                } else if count > 1 {
                    extraCopies += count - 1
                    duplicated = true
                }
            }
            if duplicated { reportsDuplicated += 1 }
        }
    }

    /// The lowest and the mean share of its reports a consenting phone received, in percent, and
    /// the fewest it received.
    var receivedPerPhone: (minimumPercent: Double, meanPercent: Double, fewest: Int, fewestExpected: Int) {
        let shares = perPhone.values.map { $0.expected == 0 ? 100.0 : 100.0 * Double($0.received) / Double($0.expected) }
        let fewest = perPhone.values.min { $0.received < $1.received } ?? (0, 0)
        return (shares.min() ?? 100, shares.isEmpty ? 100 : shares.reduce(0, +) / Double(shares.count), fewest.received, fewest.expected)
    }
}
