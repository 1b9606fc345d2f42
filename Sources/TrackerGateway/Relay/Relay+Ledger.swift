import Foundation
import Logging

/// Issue #11: several gateways on one registry relay a report that reached two of them once.
///
/// The relay's own duplicate memory (RAM, per process) recognises a copy that reached two modems
/// of one gateway; the registry's ledger (``SenderDirectory/claimRelay(of:)``) recognises one that
/// reached two gateways. A claim is a keyed digest of sender, SCTS, concatenation reference and
/// text — never the text — that expires after the duplicate window.
extension Relay {
    /// Claims a tracker report in the ledger: nil when this gateway relays it (the ticket is kept
    /// with the message and marked done when it is finished), otherwise the decision to return.
    func settleClaim(of message: IncomingMessage, from tracker: TrackerRoute, identity: MessageIdentity, receivedAt: MonotonicInstant,
                     log: Logger) -> RelayDecision? {
        let claim: RelayClaim
        do {
            claim = try directory.claimRelay(of: message)
        } catch {
            return leaveForLater(identity, after: error, in: "relay ledger", log: log)
        }
        switch claim {
        case .mine(let ticket):
            if let ticket { state.withLock { $0.inFlight[identity]?.claimTicket = ticket } }
            return nil
        case .relayed:
            count { $0.duplicates += 1 }
            log.debug("relayed by another gateway already; deleting")
            return RelayDecision(taken: true, steps: [.finish(identity)], log: log)
        case .elsewhere:
            // Held here (in storage, or in RAM in direct mode) while the other gateway relays it.
            log.debug("another gateway is relaying it; waiting for the ledger")
            let awaited = RelayDecision.AwaitedClaim(message: message, tracker: tracker, identity: identity, receivedAt: receivedAt)
            return RelayDecision(taken: true, steps: [.awaitClaim(awaited)], log: log)
        }
    }

    /// Asks the ledger again, 1 s after the claim and then at doubling intervals up to 30 s: done
    /// there, this copy is deleted; taken over (the other gateway died, its lease ran out), it is
    /// relayed here. Past the maximum age it is left where it is, for the next sweep.
    func awaitOtherGateway(_ awaited: RelayDecision.AwaitedClaim, via port: any RelayPort, log: Logger) async {
        var delay: Duration = .seconds(1)
        while !isShutDown {
            do { try await clock.sleep(until: clock.now.advanced(by: delay)) } catch { return }
            guard awaited.receivedAt.duration(to: clock.now) < configuration.maximumAge else {
                log.notice("another gateway held the report past its maximum age; left in storage")
                abandon(awaited.identity)
                return
            }
            delay = min(delay * 2, .seconds(30))
            let claim: RelayClaim
            do {
                claim = try directory.claimRelay(of: awaited.message)
            } catch {
                // This copy was taken (acknowledged, in direct mode): keep it and ask again.
                count { $0.registryFailures += 1 }
                log.warning("relay ledger unavailable; asking again", metadata: ["error": "\(error)"])
                continue
            }
            switch claim {
            case .mine(let ticket):
                if let ticket { state.withLock { $0.inFlight[awaited.identity]?.claimTicket = ticket } }
                log.info("another gateway left the report; relayed here")
                await carryOut(decideTrackerMessage(awaited.message, from: awaited.tracker, identity: awaited.identity,
                                                    receivedAt: awaited.receivedAt, log: log), via: port)
                return
            case .relayed:
                count { $0.duplicates += 1 }
                log.debug("relayed by another gateway; deleting this copy")
                await finish(awaited.identity, via: port, log: log)
                return
            case .elsewhere:
                continue
            }
        }
    }

    /// Tells the ledger a claimed report is done; a failure only risks a duplicate after the lease.
    func markRelayed(_ ticket: RelayClaim.Ticket, log: Logger) {
        do {
            try directory.markRelayed(ticket)
        } catch {
            count { $0.registryFailures += 1 }
            log.warning("relay ledger not told the report is done; another gateway may relay it after the lease", metadata: ["error": "\(error)"])
        }
    }
}
