import Foundation
import SMSCodec
import Simulator

/// The details behind a mode's figures, for `findings.txt` in its work directory: every lost
/// report (when it was sent, its shape, who lacks it), every altered text next to the reports
/// whose coordinates it carries, and what was left on the SIM. Soak data only: made-up numbers
/// and positions, written where nobody but the engineer reading the finding looks.
struct SoakFindings {
    let plan: SoakPlan
    let tally: SoakTally
    let stored: [StoredMessageInfo]

    func text() -> String {
        var lines: [String] = []
        let cast = plan.cast
        lines.append("lost: \(tally.incomplete.count)")
        for index in tally.incomplete.sorted() {
            let report = plan.reports[index]
            let got = tally.copiesByReport[index] ?? [:]
            let missing = cast.consentingPhones(ofTracker: report.tracker).filter { (got[$0] ?? 0) == 0 }
            lines.append(String(format: "  report %d, t+%.3f s, from ", index, report.at.seconds)
                + "\(cast.trackers[report.tracker].number) (\(cast.trackers[report.tracker].model.rawValue)), "
                + "\(report.body.text.count) characters\(report.body.ucs2 ? ", UCS-2" : ""); missing on \(missing.joined(separator: " ")); "
                + "copies elsewhere: \(got)")
            lines.append("    text: \(report.body.text.debugDescription)")
        }
        lines.append("altered: \(tally.alteredMessages.count)")
        for (phone, message) in tally.alteredMessages {
            let sources = plan.reports.filter { report in report.body.coordinates.contains { message.text.contains($0) } }
            lines.append("  on \(phone), from \(message.from), \(message.parts) parts, \(message.text.count) characters: \(message.text.debugDescription)")
            for source in sources {
                lines.append("    carries report \(source.index) (from \(cast.trackers[source.tracker].number), "
                    + "\(source.body.text.count) characters): \(source.body.text.debugDescription)")
            }
            for (part, reports) in assembly(of: message.text).enumerated() {
                let more = reports.count > 1 ? " (or of \(reports.count - 1) other reports with the same text there)" : ""
                lines.append("    its part \(part + 1) is part \(part + 1) of report \(reports[0])" + more)
            }
        }
        lines.append("left on the SIM: \(stored.count)")
        for message in stored {
            lines.append("  \(message.storage) \(message.index) \(message.status) from \(message.sender)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Which reports' concatenated parts (as the network cut them) make up `text`, when it is
    /// made of whole parts of reports: per part, every report whose part it can be (the
    /// first part carries the coordinates, so it names one report; a later part may fit several).
    private func assembly(of text: String) -> [[Int]] {
        let split = plan.reports.map { SMSSegmenter.split($0.body.text, forceUCS2: $0.body.ucs2).parts }
        var found: [[Int]] = []
        var rest = Substring(text)
        var part = 0
        while !rest.isEmpty {
            let matches = split.indices.filter { split[$0].count > part && rest.hasPrefix(split[$0][part]) }
            guard let first = matches.first else { return [] }
            found.append(matches)
            rest = rest.dropFirst(split[first][part].count)
            part += 1
        }
        return found
    }
}
