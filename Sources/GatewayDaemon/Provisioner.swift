import Foundation
import Logging
import TrackerGateway

/// The daemon's side of `trackerd tracker provision`: sends a tracker its admin-number command and
/// waits for the acknowledgement, which the relay captures instead of relaying.
struct Provisioner: Sendable {
    let registry: Registry
    let relay: Relay<ContinuousClock>
    let link: ModemLink
    let ownNumber: String
    let logger: Logger

    enum Failure: Error, CustomStringConvertible {
        case noAdminCommand(TrackerModel)
        var description: String {
            switch self {
            case .noAdminCommand(let model): return "a \(model.rawValue) tracker has no admin-number command"
            }
        }
    }

    /// True when the tracker acknowledged within `timeout`.
    func provision(trackerID: Int64, timeout: Duration) async throws -> Bool {
        let route = try registry.trackerRoute(id: trackerID)
        let profile = TrackerCommandProfile.standard(for: route.model)
        guard let command = profile.adminCommand(password: route.password, number: ownNumber) else {
            throw Failure.noAdminCommand(route.model)
        }
        let acknowledgements = await relay.expectAdminAcknowledgement(trackerID: trackerID, profile: profile)
        do {
            _ = try await link.send(text: command, to: route.number, ucs2: false)
        } catch {
            await relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
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
        await relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
        logger.info(acknowledged ? "tracker acknowledged its admin number" : "no admin acknowledgement in time", metadata: ["tracker": "\(trackerID)"])
        return acknowledged
    }
}
