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
            case .send(let from, let text, let ucs2, let to):
                try send(from: from, text: text, ucs2: ucs2, to: to)
                return ControlReply.success(["parts": .number(Double(SMSSegmenter.split(text, forceUCS2: ucs2).parts.count))])
            case .sendParts(let from, let parts, let reference, let order, let ucs2, let to):
                try sendParts(from: from, parts: parts, reference: reference, order: order, ucs2: ucs2, to: to)
                return ControlReply.success(["parts": .number(Double(order.count))])
            case .inbox(let number):
                guard let messages = inbox(of: number) else { return ControlReply.failure("\(number) is not a registered phone") }
                return ControlReply.success([
                    "messages": .array(
                        messages.map {
                            .object(["from": .string($0.from), "text": .string($0.text), "parts": .number(Double($0.parts))])
                        })
                ])
            case .storage(let number):
                let target = try modem(number, operation: "storage")
                return ControlReply.success([
                    "modem": .string(target.configuration.number),
                    "preferred": Self.value(of: target.preferredStorage),
                    "messages": .array(target.storedMessages().map(Self.value(of:))),
                ])
            case .fault(let fault, let number):
                try modem(number, operation: "inject fault").inject(fault)
                return ControlReply.success()
            case .liftStorageFull(let number):
                if let number { try liftStorageFull(modem: number) } else { liftStorageFull() }
                return ControlReply.success()
            case .alarm(let number, let kind):
                try raiseAlarm(tracker: number, kind: kind)
                return ControlReply.success()
            case .move(let number, let position):
                try moveTracker(number, to: position)
                return ControlReply.success()
            case .report(let number):
                try sendReport(tracker: number)
                return ControlReply.success()
            case .reset:
                reset()
                return ControlReply.success()
            case .sent(let number):
                let target = try modem(number, operation: "sent")
                let stats = statistics(modem: target.configuration.number) ?? statistics
                return ControlReply.success([
                    "modem": .string(target.configuration.number),
                    "parts": .number(Double(stats.submittedParts)), "messages": .number(Double(stats.submittedMessages)),
                ])
            case .stats(let number):
                let target = try modem(number, operation: "stats")
                var fields = Self.fields(of: statistics(modem: target.configuration.number) ?? statistics)
                fields["modem"] = .string(target.configuration.number)
                fields["command_lines"] = .number(Double(target.commandLinesAnswered))
                return ControlReply.success(fields)
            case .modems:
                return ControlReply.success(["modems": .array(zip(modems, configuration.modems).map(Self.value(of:slot:)))])
            }
        } catch {
            return ControlReply.failure(error.description)
        }
    }

    private static func value(of storage: PreferredStorage) -> JSONValue {
        ["read": .string(storage.read), "write": .string(storage.write), "receive": .string(storage.receive)]
    }

    private static func value(of message: StoredMessageInfo) -> JSONValue {
        [
            "storage": .string(message.storage), "index": .number(Double(message.index)),
            "status": .string(message.status), "sender": .string(message.sender),
        ]
    }

    private static func value(of modem: VirtualModem, slot: SimulatedModem) -> JSONValue {
        [
            "number": .string(slot.number), "link": .string(slot.linkPath),
            "device": modem.devicePath.map(JSONValue.string) ?? .null, "profile": .string(slot.profile.rawValue),
            "preferred": value(of: modem.preferredStorage), "stored": .number(Double(modem.storedMessages().count)),
            "command_lines": .number(Double(modem.commandLinesAnswered)),
        ]
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
