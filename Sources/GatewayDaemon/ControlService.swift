import ATModem
import Foundation
import LineSocket
import Logging
import ServiceLifecycle
import TrackerGateway

/// The daemon's control socket (0600, in the data directory): `status` for `trackerd status`,
/// `send` for the CLI commands that reach phones through a modem, `provision` for `trackerd
/// tracker provision`. JSON lines, parsed by `ControlRequest`; one thread serves every
/// connection (LineSocketServer), and the work each request needs is posted to the modem
/// threads (`daemon.status()` asks each modem service on its own thread).
struct ControlService: Service {
    let path: String
    let daemon: Daemon
    let provisioner: Provisioner
    let logger: Logger

    func run() async throws {
        let server = try LineSocketServer(path: path, asyncHandler: { line in
            await handle(line)
        })
        logger.debug("control socket listening")
        // Waits for the shutdown itself: a sleep loop only looked at the flag once an hour, so
        // SIGTERM left the daemon running (graceful shutdown does not cancel the task).
        try? await gracefulShutdown()
        server.stop()
    }

    func handle(_ line: String) async -> String {
        let request: ControlRequest
        do {
            request = try ControlRequest.parse(line)
        } catch {
            return ControlRequest.reply(error: error)
        }
        switch request {
        case .status:
            let snapshot = await daemon.status()
            guard let data = try? JSONOutput.encoder.encode(StatusReply(ok: true, status: snapshot)) else {
                return ControlRequest.reply(error: "status could not be encoded")
            }
            return String(decoding: data, as: UTF8.self)
        case .send(let to, let text):
            do {
                guard let modem = await daemon.readyModem(for: .reply) else {
                    return ControlRequest.reply(error: "send failed: no modem is ready")
                }
                let references = try await modem.send(text: text, to: to, ucs2: !GSM7.canEncode(text), purpose: .reply)
                return ControlRequest.reply(sentReferences: references)
            } catch {
                return ControlRequest.reply(error: "send failed: \(error)")
            }
        case .provision(let trackerID, let timeout):
            do {
                let outcome = try await provisioner.provision(trackerID: trackerID, timeout: timeout)
                return ControlRequest.reply(acknowledged: outcome.acknowledged, numbers: outcome.acknowledgedNumbers.count)
            } catch {
                return ControlRequest.reply(error: "provision failed: \(error)")
            }
        }
    }
}

public struct StatusReply: Codable {
    public var ok: Bool
    public var status: DaemonStatus
}
