import SMSCodec
import SerialTransport
import TrackerProfiles

/// Replies on the control socket: `{"ok":true,…}` or `{"ok":false,"error":"…"}`.
enum ControlReply {
    static func success(_ fields: [String: JSONValue] = [:]) -> JSONValue {
        var object = fields
        object["ok"] = true
        return .object(object)
    }

    static func failure(_ message: String) -> JSONValue {
        .object(["ok": false, "error": .string(message)])
    }
}

extension Simulation {
    /// Answers one control-socket line with one reply line. Never throws, never crashes:
    /// a malformed request gets `{"ok":false,"error":…}` and the simulation carries on.
    public func handleControlLine(_ line: String) -> String {
        do {
            let request = try ControlRequest(jsonLine: line)
            return handle(request).jsonLine
        } catch {
            logger.debug("control request refused", metadata: ["reason": .string(error.message)])
            return ControlReply.failure(error.message).jsonLine
        }
    }

    /// Carries out one control request through the same methods in-process callers use.
    public func handle(_ request: ControlRequest) -> JSONValue {
        do {
            switch request {
            case .addPhone(let number):
                try addPhone(number)
                return ControlReply.success(["number": .string(number)])
            case .addTracker(let tracker):
                try addTracker(tracker)
                return ControlReply.success(["number": .string(tracker.number), "model": .string(tracker.model.rawValue)])
            case .send(let from, let text, let ucs2):
                try send(from: from, text: text, ucs2: ucs2)
                return ControlReply.success(["parts": .number(Double(SMSSegmenter.split(text, forceUCS2: ucs2).parts.count))])
            case .sendParts(let from, let parts, let reference, let order, let ucs2):
                sendParts(from: from, parts: parts, reference: reference, order: order, ucs2: ucs2)
                return ControlReply.success(["parts": .number(Double(order.count))])
            case .inbox(let number):
                guard let messages = inbox(of: number) else { return ControlReply.failure("\(number) is not a registered phone") }
                return ControlReply.success([
                    "messages": .array(
                        messages.map {
                            .object(["from": .string($0.from), "text": .string($0.text), "parts": .number(Double($0.parts))])
                        })
                ])
            case .storage:
                let preferred = modem.preferredStorage
                return ControlReply.success([
                    "preferred": .object([
                        "read": .string(preferred.read), "write": .string(preferred.write), "receive": .string(preferred.receive),
                    ]),
                    "messages": .array(
                        storedMessages().map {
                            .object([
                                "storage": .string($0.storage), "index": .number(Double($0.index)),
                                "status": .string($0.status), "sender": .string($0.sender),
                            ])
                        })
                ])
            case .fault(let fault):
                inject(fault)
                return ControlReply.success()
            case .liftStorageFull:
                liftStorageFull()
                return ControlReply.success()
            case .alarm(let number, let kind):
                try raiseAlarm(tracker: number, kind: kind)
                return ControlReply.success()
            case .move(let number, let position):
                try moveTracker(number, to: position)
                return ControlReply.success()
            case .reset:
                reset()
                return ControlReply.success()
            case .sent:
                let stats = statistics
                return ControlReply.success([
                    "parts": .number(Double(stats.submittedParts)), "messages": .number(Double(stats.submittedMessages)),
                ])
            case .stats:
                var fields = Self.fields(of: statistics)
                fields["command_lines"] = .number(Double(modem.commandLinesAnswered))
                return ControlReply.success(fields)
            }
        } catch {
            return ControlReply.failure(error.description)
        }
    }

    private static func fields(of stats: NetworkStats) -> [String: JSONValue] {
        let counters: [(String, Int)] = [
            ("submitted_parts", stats.submittedParts), ("submitted_messages", stats.submittedMessages),
            ("phone_messages", stats.phoneMessages), ("tracker_commands", stats.trackerCommands),
            ("tracker_replies", stats.trackerReplies), ("undeliverable", stats.undeliverable),
            ("delivered_parts", stats.deliveredParts), ("refused_deliveries", stats.refusedDeliveries),
            ("pending_deliveries", stats.pendingDeliveries), ("status_reports", stats.statusReports),
        ]
        return Dictionary(uniqueKeysWithValues: counters.map { ($0.0, JSONValue.number(Double($0.1))) })
    }
}
