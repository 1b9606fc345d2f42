import ATModem
import Foundation
import LineSocket
import Logging
import ServiceLifecycle
import TrackerGateway

/// The daemon's control socket (0600, in the data directory): `status` for `trackerd status`,
/// `send` for the CLI commands that reach phones and trackers through the modem. JSON lines.
struct ControlService: Service {
    let path: String
    let daemon: Daemon
    /// Answers `{"op":"provision","tracker":ID,"timeout":SECONDS}` (ControlService+Provision).
    let provisioner: Provisioner?
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

    private func handle(_ line: String) async -> String {
        guard let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let op = request["op"] as? String
        else { return Self.error("request must be a JSON object with an \"op\"") }
        switch op {
        case "status":
            let snapshot = await daemon.status()
            guard let data = try? JSONOutput.encoder.encode(StatusReply(ok: true, status: snapshot)) else {
                return Self.error("status could not be encoded")
            }
            return String(decoding: data, as: UTF8.self)
        case "send":
            guard let to = request["to"] as? String, let text = request["text"] as? String else {
                return Self.error("send needs \"to\" and \"text\"")
            }
            do {
                guard let modem = await daemon.readyModem() else { return Self.error("send failed: no modem is ready") }
                let references = try await modem.send(text: text, to: to, ucs2: !GSM7.canEncode(text), purpose: .reply)
                return "{\"ok\":true,\"references\":[\(references.map(String.init).joined(separator: ","))]}"
            } catch {
                return Self.error("send failed: \(error)")
            }
        case "provision":
            return await provision(request)
        default:
            return Self.error("unknown op")
        }
    }

    static func error(_ message: String) -> String {
        let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"ok\":false,\"error\":\"\(escaped)\"}"
    }
}

public struct StatusReply: Codable {
    public var ok: Bool
    public var status: DaemonStatus
}
