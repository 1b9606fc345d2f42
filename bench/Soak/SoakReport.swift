import Foundation

/// The soak's table: one row per figure, one column per receive mode, then what explains them.
struct SoakReport {
    let results: [ModeResult]
    let options: SoakOptions

    func printed() -> String {
        var rows: [(String, [String])] = []
        func row(_ name: String, _ value: (ModeResult) -> String) { rows.append((name, results.map(value))) }
        row("reports sent") { "\($0.plan.reports.count - $0.sendErrors)" }
        row("received per phone, min / mean") {
            let share = $0.tally.receivedPerPhone
            return String(format: "%.1f %% (%d of %d) / %.1f %%", share.minimumPercent, share.fewest, share.fewestExpected, share.meanPercent)
        }
        row("lost (a consenting phone never got it)") { "\($0.lost.count)" }
        row("  in flight at a kill -9 / at a SIGTERM / neither") {
            let causes = $0.lossCauses
            return "\(causes.atKill) / \(causes.atTermOnly) / \(causes.unexplained.count)"
        }
        row("duplicated: extra copies (reports)") { "\($0.tally.extraCopies) (\($0.tally.reportsDuplicated))" }
        row("to another customer / to the STOP phone") { "\($0.tally.misdirected) / \($0.tally.toStoppedPhone)" }
        row("left in storage / held by the network") { "\($0.storedAtEnd) / \($0.pendingAtEnd)" }
        row("on the SIM when all had arrived (gone after)") { result in
            guard result.leftovers.deliveredAt != nil else { return "—" }
            return "\(result.leftovers.countThen) (" + (result.leftovers.clearedAfter.map { String(format: "%.0f s", $0) } ?? "not gone") + ")"
        }
        row("daemon restarts: kill -9 / SIGTERM") { "\($0.daemon.kills) / \($0.daemon.terms)" }
        row("daemon crashes / SIGTERM hangs") { "\($0.daemon.crashes.count) / \($0.daemon.hungTerms.count)" }
        row("SIGTERM to exit, max") { String(format: "%.2f s", $0.daemon.termSeconds.max() ?? 0) }
        row("daemon runs") { "\($0.daemon.runs.count)" }
        row("peak RSS (VmHWM, max of all runs)") { String(format: "%.1f MiB", Double($0.daemon.peakResidentKiB) / 1024) }
        row("peak threads") { "\($0.daemon.peakThreads)" }
        row("relay retries / expired / duplicates seen") {
            "\($0.daemon.total("retries")) / \($0.daemon.total("droppedExpired")) / \($0.daemon.total("duplicates"))"
        }
        row("delete / registry failures") { "\($0.daemon.total("deleteFailures")) / \($0.daemon.total("registryFailures"))" }
        row("deliveries the modem refused (network retried)") { "\($0.refusedDeliveries)" }
        row("wall time: traffic + settle = total") {
            String(format: "%.0f + %.0f = %.0f s", $0.trafficSeconds, $0.settleSeconds, $0.wallSeconds)
        }
        row("settled by") { $0.settledBy }
        row("modem at the end") { $0.finalModemState }
        row("body in the daemon's log") { $0.leaks.clean ? "none" : "FOUND" }

        let nameWidth = rows.map(\.0.count).max() ?? 0
        let widths = results.indices.map { column in max(results[column].mode.rawValue.count, rows.map { $0.1[column].count }.max() ?? 0) }
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [pad("figure", nameWidth) + zip(results, widths).map { "  " + pad($0.mode.rawValue, $1) }.joined()]
        lines.append(String(repeating: "-", count: nameWidth + widths.reduce(0) { $0 + $1 + 2 }))
        for (name, values) in rows { lines.append(pad(name, nameWidth) + zip(values, widths).map { "  " + pad($0, $1) }.joined()) }
        lines.append("")
        lines.append("setting: \(options.customers) customers × 2 phones (one sent STOP), \(options.customers * options.trackersPerCustomer) trackers, "
            + "radio delay \(options.radioDelayMs) ms, health probe every \(options.healthProbeSeconds) s, seed \(options.seed)")
        for result in results {
            lines.append("\(result.mode): \(result.plan.summary)")
            lines.append("  log scan: \(result.leaks.verdict)")
            lines.append("  " + explanation(result))
        }
        return lines.joined(separator: "\n")
    }

    private func explanation(_ result: ModeResult) -> String {
        let causes = result.lossCauses
        switch result.mode {
        case .storage:
            return result.lost.isEmpty
                ? "storage mode lost nothing: every report stayed on the SIM until both phones had accepted it."
                : "storage mode LOST \(result.lost.count) reports: a bug (the SIM keeps a report until it is relayed)."
        case .direct:
            if result.lost.isEmpty { return "direct mode lost nothing this time." }
            let why = "the daemon had acknowledged them (+CNMA), so the network had forgotten them, and held them in RAM "
                + "when it was killed (README, --receive direct)"
            if causes.unexplained.isEmpty && causes.atTermOnly == 0 {
                return "direct mode lost \(result.lost.count) reports, each in flight at a kill -9: \(why)."
            }
            return "direct mode lost \(result.lost.count): \(causes.atKill) in flight at a kill -9 (\(why)); "
                + "\(causes.atTermOnly) only at a graceful SIGTERM and \(causes.unexplained.count) at no stop at all — findings."
        }
    }
}
