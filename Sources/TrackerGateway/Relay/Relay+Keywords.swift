import Logging

/// A registered phone's keywords: LOCATE [label], STOP, START, HELP.
///
/// DESIGN.md "Receiving and relaying" (keywords) and invariants 3 and 7. Replies are fixed and
/// short and never carry a location: LOCATE sends the tracker its own position command, and
/// the tracker's answer then relays like any report — to the owner's consenting phones only.
/// A phone that texted STOP gets an answer to STOP, START and HELP only; its LOCATE and any
/// other text are deleted unanswered. Anything else from a consenting phone — including a text
/// of nothing but blanks — gets the HELP text. The keyword message itself is deleted as soon as
/// it is decided; the reply or command then goes out with retries.
extension Relay {
    func decidePhoneMessage(_ message: IncomingMessage, from phone: PhoneRoute, trackers: [TrackerRoute], identity: MessageIdentity, via port: any RelayPort, log: Logger) -> RelayDecision {
        let allowed = state.withLock { state in
            let allowed = state.phoneLimiter.allow(phone.phoneID, now: clock.now)
            if allowed { state.counters.keywords += 1 } else { state.counters.rateLimited += 1 }
            return allowed
        }
        guard allowed else {
            log.notice("phone over its rate limit; deleting, not answered")
            return RelayDecision(taken: true, steps: [.finish(identity)], log: log)
        }
        let keyword = KeywordParser.parse(message.text)
        var log = log
        log[metadataKey: "keyword"] = "\(keyword.logName)"
        let replies = configuration.replies
        var steps: [RelayDecision.Step] = [.finish(identity)]
        func reply(_ text: String) {
            steps.append(.send(text: text, to: phone.number, purpose: .reply, kind: .reply))
        }
        switch keyword {
        case .stop, .start:
            let consents = keyword == .start
            do {
                try directory.setConsent(phoneID: phone.phoneID, consents: consents)
            } catch {
                // Consent must not be claimed unrecorded: leave the message for later.
                count { $0.registryFailures += 1 }
                log.error("consent update failed; message left for later", metadata: ["error": "\(error)"])
                abandon(identity)
                return .leftForLater(log)
            }
            if !consents { withdrawPendingRelays(to: phone.phoneID) }
            log.info(consents ? "phone opted in" : "phone opted out")
            reply(consents ? replies.started : replies.stopped)
        case .help:
            reply(replies.help)
        case .unrecognised where phone.consents:
            reply(replies.help)
        case .unrecognised:
            log.info("text from an opted-out phone; not answered")
        case .locate where !phone.consents:
            log.info("LOCATE from an opted-out phone; not answered")
        case .locate(let label):
            steps.append(locate(label: label, for: phone, among: trackers, log: log))
        }
        return RelayDecision(taken: true, steps: steps, log: log)
    }

    /// Picks the tracker a LOCATE means: its position command, or the reply that says why not.
    func locate(label: String?, for phone: PhoneRoute, among trackers: [TrackerRoute], log: Logger) -> RelayDecision.Step {
        let owned = trackers.filter { $0.customerID == phone.customerID }
        let replies = configuration.replies
        let matching: [TrackerRoute]
        if let label {
            let wanted = KeywordParser.normalisedLabel(label)
            matching = owned.filter { $0.label.map(KeywordParser.normalisedLabel) == wanted }
        } else {
            matching = owned
        }
        func reply(_ text: String) -> RelayDecision.Step {
            .send(text: text, to: phone.number, purpose: .reply, kind: .reply)
        }
        switch matching.count {
        case 1:
            let tracker = matching[0]
            var log = log
            log[metadataKey: "tracker"] = "\(tracker.trackerID)"
            log[metadataKey: "model"] = "\(tracker.model.rawValue)"
            guard !isGatewayNumber(tracker.number) else {
                log.error("tracker registered with a gateway number; command not sent")
                return reply(replies.unreachable)
            }
            let profile = TrackerCommandProfile.standard(for: tracker.model, genericPositionCommand: configuration.genericPositionCommand)
            log.info("position command to send", metadata: ["to": "\(NumberMask.mask(tracker.number))"])
            return .send(text: profile.positionCommand(password: tracker.password), to: tracker.number,
                         purpose: .trackerCommand(knownNumbers: tracker.knownGatewayNumbers), kind: .trackerCommand(askedBy: phone.number))
        case 0 where owned.isEmpty:
            return reply(replies.noTracker)
        case 0:
            let labels = owned.compactMap(\.label)
            return reply(labels.isEmpty ? replies.unknownLabel : replies.chooseTracker + labels.joined(separator: ", "))
        default:
            let labels = matching.compactMap(\.label)
            return reply(labels.isEmpty ? replies.unknownLabel : replies.chooseTracker + labels.joined(separator: ", "))
        }
    }
}

extension PhoneKeyword {
    /// The keyword without its label, for logs (a label is the customer's own words).
    var logName: String {
        switch self {
        case .locate: "LOCATE"
        case .stop: "STOP"
        case .start: "START"
        case .help: "HELP"
        case .unrecognised: "other"
        }
    }
}
