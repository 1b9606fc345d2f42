import GatewayDaemon
import ArgumentParser
import Foundation
import LineSocket

extension Trackerd {
    /// `trackerd status` — asks the running daemon how the modem and the relay are doing.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the running daemon's modem state, signal, counters and last error.",
            discussion: """
            Talks to the daemon's control socket in the data directory. Exit 0 when every modem \
            is ready, 1 when one is not (missing, re-opening, waiting for its device), 69 when no \
            daemon runs. The status never contains a message, a customer's number or a name; \
            gateway numbers are masked.

            Examples:
              trackerd status
              trackerd status --json
            """
        )

        @OptionGroup var data: DataDirectoryOptions

        @Flag(help: "Print the raw JSON status.")
        var json = false

        func run() throws {
            let reply = try DaemonClient(dataDirectory: data.resolvedDataDirectory()).request(["op": "status"])
            guard let status = reply["status"] as? [String: Any] else {
                throw CommandFailure(exitCode: .software, message: "daemon answered without a status")
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: status, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                let modems = status["modems"] as? [[String: Any]] ?? []
                if modems.isEmpty || modems.contains(where: { $0["state"] as? String != "ready" }) {
                    throw ExitCode(SysExit.findings.rawValue)
                }
                return
            }
            print(Self.render(status))
            let modems = status["modems"] as? [[String: Any]] ?? []
            if modems.isEmpty || modems.contains(where: { $0["state"] as? String != "ready" }) {
                throw ExitCode(SysExit.findings.rawValue)
            }
        }

        static func render(_ status: [String: Any]) -> String {
            func value(_ object: [String: Any], _ key: String) -> String {
                guard let value = object[key], !(value is NSNull) else { return "-" }
                return "\(value)"
            }
            var lines: [String] = []
            let modems = status["modems"] as? [[String: Any]] ?? []
            for (number, modem) in modems.enumerated() {
                lines += [
                    "modem \(number + 1):      \(value(modem, "state")) (\(value(modem, "manufacturer")) \(value(modem, "model")))",
                    "  device:     \(value(modem, "device")), number \(value(modem, "number")), receive \(value(modem, "receiveMode"))",
                    "  signal:     rssi \(value(modem, "signalRSSI")), \(value(modem, "signalDBm")) dBm",
                    "  registration: \(value(modem, "registration"))",
                    "  storage:    \(value(modem, "storageUsed"))/\(value(modem, "storageTotal"))" + ((modem["storageFull"] as? Bool) == true ? "  FULL" : ""),
                    "  sends:      \(value(modem, "sends")) sent, \(value(modem, "sendFailures")) refused",
                    "  re-opens:   \(value(modem, "reopens"))",
                    "  last error: \(value(modem, "lastError"))",
                ]
            }
            let pool = status["pool"] as? [String: Any] ?? [:]
            lines.append("pool:         \(value(pool, "ready")) of \(value(pool, "modems")) modems ready, \(value(pool, "sends")) sent, \(value(pool, "sendFailures")) refused")
            if let relay = status["relay"] as? [String: Any] {
                lines.append("relay:")
                for key in relay.keys.sorted() { lines.append("  \(Self.spoken(key)): \(relay[key] ?? 0)") }
            }
            return lines.joined(separator: "\n")
        }

        /// `unknownSenders` → `unknown senders`: counters as words, not code names.
        static func spoken(_ key: String) -> String {
            var words = ""
            for character in key {
                if character.isUppercase { words += " " + character.lowercased() } else { words.append(character) }
            }
            return words
        }
    }
}

/// Requests to the running daemon over its control socket.
struct DaemonClient {
    let socketPath: String

    init(dataDirectory: URL) {
        socketPath = dataDirectory.appendingPathComponent(DaemonConfiguration.controlSocketName).path
    }

    /// Sends one request; a daemon that is not running is exit 69, a refused request exit 1.
    func request(_ body: [String: Any], timeout: Duration = .seconds(120)) throws -> [String: Any] {
        let line = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let reply: String
        do {
            reply = try LineSocketClient(path: socketPath, timeout: timeout).request(line)
        } catch {
            if error.isNotListening {
                throw CommandFailure(exitCode: .unavailable, message: "the daemon is not running (no control socket at \(socketPath))")
            }
            throw CommandFailure(exitCode: .ioError, message: "control socket: \(error)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
            throw CommandFailure(exitCode: .software, message: "daemon sent an unreadable reply")
        }
        if object["ok"] as? Bool != true {
            throw CommandFailure(exitCode: .findings, message: "daemon refused: \(object["error"] as? String ?? "unknown error")")
        }
        return object
    }
}
