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

    /// What a provisioning achieved.
    struct Outcome: Sendable, Equatable {
        /// The gateway numbers the tracker acknowledged, now recorded as the ones it obeys.
        var acknowledgedNumbers: [String]
        var acknowledged: Bool { !acknowledgedNumbers.isEmpty }
    }

    /// Sends the tracker its model's admin-number commands for as many of the pool's numbers as
    /// the model remembers, one at a time, each acknowledged (or not) before the next, all within
    /// `timeout`; records the acknowledged numbers as the ones the tracker obeys (audited).
    func provision(trackerID: Int64, timeout: Duration) async throws -> Outcome {
        let registry = daemon.registry
        let route = try registry.trackerRoute(id: trackerID)
        let profile = TrackerCommandProfile.standard(for: route.model)
        let commands = profile.adminCommands(password: route.password, numbers: daemon.pool.numbers)
        guard !commands.isEmpty else { throw Failure.noAdminCommand(route.model) }
        let relay = daemon.relay
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var acknowledged: [String] = []
        for (command, numbers) in commands {
            let purpose = SendPurpose.trackerCommand(knownNumbers: route.knownGatewayNumbers)
            guard let modem = await daemon.readyModem(for: purpose) else { throw Failure.noModemReady }
            let acknowledgements = relay.expectAdminAcknowledgement(trackerID: trackerID, number: route.number, profile: profile)
            do {
                _ = try await modem.send(text: command, to: route.number, ucs2: false, purpose: purpose)
            } catch {
                relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
                throw error
            }
            logger.info("admin command sent", metadata: ["tracker": "\(trackerID)", "to": "\(NumberMask.mask(route.number))", "numbers": "\(numbers.count)"])
            let left = clock.now.duration(to: deadline)
            let gotIt = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in acknowledgements { return true }
                    return false
                }
                group.addTask {
                    try? await Task.sleep(for: max(left, .zero))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            relay.stopExpectingAdminAcknowledgement(trackerID: trackerID)
            if gotIt { acknowledged += numbers } else { break }
        }
        if !acknowledged.isEmpty {
            try registry.recordKnownGatewayNumbers(trackerID: trackerID, numbers: acknowledged)
        }
        logger.info(acknowledged.isEmpty ? "no admin acknowledgement in time" : "tracker acknowledged its admin numbers",
                    metadata: ["tracker": "\(trackerID)", "numbers": "\(acknowledged.count)"])
        return Outcome(acknowledgedNumbers: acknowledged)
    }
}

extension Daemon {
    /// The modem a send for `purpose` goes out of now, the pool's best; nil when none is healthy.
    func readyModem(for purpose: SendPurpose) async -> ModemService? {
        pool.candidates(for: purpose, origin: nil).first
    }
}
