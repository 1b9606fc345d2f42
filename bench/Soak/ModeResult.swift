import Foundation

/// What one receive mode's soak measured, and what of it is a finding.
struct ModeResult: Sendable {
    let mode: ReceiveMode
    let seed: UInt64
    let plan: SoakPlan
    let tally: SoakTally
    let sendErrors: Int
    let storedAtEnd: Int
    let pendingAtEnd: Int
    let refusedDeliveries: Int
    let daemon: DaemonSupervisor.Summary
    /// Each stop of the daemon and the reports some consenting phone still lacked at that moment.
    let stops: [(signal: SoakPlan.Signal, reports: Set<Int>)]
    let leaks: LeakScan
    let settledBy: String
    let leftovers: ModeRun.SoakLeftovers
    let finalModemState: String
    let trafficSeconds: Double
    let settleSeconds: Double
    let wallSeconds: Double
    let root: URL

    /// Reports some consenting phone never got.
    var lost: Set<Int> { tally.incomplete }

    /// Why each lost report was lost, as far as the soak can tell: a report is lost to a `kill -9`
    /// only if it was in flight (sent, not yet on every phone) when one came. In direct mode that
    /// is what the README allows: the daemon acknowledged it (`+CNMA`), so the network forgot it.
    var lossCauses: (atKill: Int, atTermOnly: Int, unexplained: [Int]) {
        let atKill = stops.filter { $0.signal == .kill9 }.reduce(into: Set<Int>()) { $0.formUnion($1.reports) }
        let atTerm = stops.filter { $0.signal == .terminate }.reduce(into: Set<Int>()) { $0.formUnion($1.reports) }
        let killed = lost.intersection(atKill)
        let termed = lost.subtracting(killed).intersection(atTerm)
        return (killed.count, termed.count, lost.subtracting(killed).subtracting(termed).sorted())
    }

    /// Findings that fail the soak; each names how to reproduce it.
    var failures: [String] {
        var found: [String] = []
        let how = "reproduce: bench/soak.sh --seed \(seed) --mode \(mode.rawValue) (plan and details: \(root.path)/plan.txt, findings.txt)"
        if mode == .storage, !lost.isEmpty {
            found.append("\(lost.count) reports lost in storage mode (first: \(describe(lost.sorted().prefix(5)))); \(how)")
        }
        let causes = lossCauses
        if mode == .direct, !causes.unexplained.isEmpty {
            found.append("\(causes.unexplained.count) reports lost in direct mode while no stop had them in flight "
                + "(first: \(describe(causes.unexplained.prefix(5)))); \(how)")
        }
        if mode == .direct, causes.atTermOnly > 0 {
            found.append("\(causes.atTermOnly) reports lost in direct mode at a graceful SIGTERM (not at a kill -9); \(how)")
        }
        if tally.misdirected > 0 { found.append("\(tally.misdirected) copies reached another customer's phone; \(how)") }
        if tally.toStoppedPhone > 0 { found.append("\(tally.toStoppedPhone) copies reached the phone that sent STOP; \(how)") }
        if tally.altered > 0 { found.append("\(tally.altered) relayed texts differ from what the tracker sent; \(how)") }
        for crash in daemon.crashes {
            found.append("daemon pid \(crash.pid) \(crash.status) at \(crash.when), not caused by the soak; \(how); log tail:\n\(crash.logTail)")
        }
        for hang in daemon.hungTerms { found.append("daemon ignored SIGTERM for 20 s at \(hang); \(how)") }
        if storedAtEnd > 0 { found.append("\(storedAtEnd) messages left on the SIM after settling; \(how)") }
        if !leaks.clean { found.append(leaks.verdict) }
        if sendErrors > 0 { found.append("\(sendErrors) reports the simulator refused to send (soak set-up problem)") }
        return found
    }

    /// `report 17 (step 17, t+0.9 s, tracker +15550200003)` for the first few of `reports`.
    private func describe(_ reports: some Sequence<Int>) -> String {
        reports.map { index in
            let report = plan.reports[index]
            return String(format: "report %d at t+%.1f s from ", index, report.at.seconds) + plan.cast.trackers[report.tracker].number
        }.joined(separator: ", ")
    }
}
