import Foundation
import Logging
import TrackerGateway

/// The daemon's side of `trackerd tracker provision`: sends a tracker its admin-number command and
/// waits for the acknowledgement, which the relay captures instead of relaying.
struct Provisioner: Sendable {
    let daemon: Daemon
    let logger: Logger

    enum Failure: Error, CustomStringConvertible {
        case noAdminCommand(TrackerModel)
        case noModemReady
        var description: String {
            switch self {
            case .noAdminCommand(let model): return "a \(model.rawValue) tracker has no admin-number command"
            case .noModemReady: return "no modem is ready to send"
            }
        }
    }

    /// True when the tracker acknowledged within `timeout`.
    func provision(trackerID: Int64, timeout: Duration) async throws -> Bool {
        let route = try daemon.registry.trackerRoute(id: trackerID)
        let profile = TrackerCommandProfile.standard(for: route.model)
        guard let modem = await daemon.readyModem() else { throw Failure.noModemReady }
        guard let command = profile.adminCommand(password: route.password, number: modem.setup.number) else {
            throw Failure.noAdminCommand(route.model)
        }
        let relay = daemon.relay
        let acknowledgements = relay.expectAdminAcknowledgement(trackerID: trackerID, profile: profile)
        do {
            _ = try await modem.send(text: command, to: route.number, ucs2: false, purpose: .trackerCommand(knownNumbers: []))
        } catch {
            relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
            throw error
        }
        logger.info("admin command sent", metadata: ["tracker": "\(trackerID)", "to": "\(NumberMask.mask(route.number))"])
        let acknowledged = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in acknowledgements { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
        logger.info(acknowledged ? "tracker acknowledged its admin number" : "no admin acknowledgement in time", metadata: ["tracker": "\(trackerID)"])
        return acknowledged
    }
}

extension Daemon {
    /// A modem that can send now, the least busy first (the pool's rotation).
    func readyModem() async -> ModemService? {
        for modem in modems where await modem.isReady { return modem }
        return nil
    }
}
