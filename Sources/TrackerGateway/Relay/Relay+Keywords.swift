import Logging
import SMSCodec

/// A registered phone's keywords: LOCATE [label], STOP, START, HELP.
///
/// DESIGN.md "Receiving and relaying" (keywords) and invariants 3 and 7. Replies are fixed and
/// short and never carry a location: LOCATE sends the tracker its own position command, and
/// the tracker's answer then relays like any report — to the owner's consenting phones only.
/// A phone that texted STOP gets an answer to STOP, START and HELP only; its LOCATE and any
/// other text are deleted unanswered. Anything unrecognised from a consenting phone gets the
/// HELP text.
extension Relay {
    func answerPhone(_ message: IncomingMessage, from phone: PhoneRoute, trackers: [TrackerRoute], identity: MessageIdentity, log: Logger) async {
        guard phoneLimiter.allow(phone.phoneID, now: clock.now) else {
            currentCounters.rateLimited += 1
            log.notice("phone over its rate limit; deleting, not answered")
            await finish(identity, log: log)
            return
        }
        currentCounters.keywords += 1
        let keyword = KeywordParser.parse(message.text)
        var log = log
        log[metadataKey: "keyword"] = "\(keyword.logName)"
        let replies = configuration.replies
        switch keyword {
        case .stop, .start:
            let consents = keyword == .start
            do {
                try await directory.setConsent(phoneID: phone.phoneID, consents: consents)
            } catch {
                // Consent must not be claimed unrecorded: leave the message for the next listing.
                currentCounters.registryFailures += 1
                log.error("consent update failed; message left in storage", metadata: ["error": "\(type(of: error))"])
                abandon(identity)
                return
            }
            if !consents { withdrawPendingRelays(to: phone.phoneID) }
            log.info(consents ? "phone opted in" : "phone opted out")
            await reply(consents ? replies.started : replies.stopped, to: phone, log: log)
        case .help:
            await reply(replies.help, to: phone, log: log)
        case .unrecognised where phone.consents:
            await reply(replies.help, to: phone, log: log)
        case .unrecognised:
            log.info("text from an opted-out phone; not answered")
        case .locate where !phone.consents:
            log.info("LOCATE from an opted-out phone; not answered")
        case .locate(let label):
            await locate(label: label, for: phone, among: trackers, log: log)
        }
        await finish(identity, log: log)
    }

    /// Picks the tracker a LOCATE means and sends it its position command, or replies why not.
    func locate(label: String?, for phone: PhoneRoute, among trackers: [TrackerRoute], log: Logger) async {
        let owned = trackers.filter { $0.customerID == phone.customerID }
        let replies = configuration.replies
        let matching: [TrackerRoute]
        if let label {
            let wanted = KeywordParser.normalisedLabel(label)
            matching = owned.filter { $0.label.map(KeywordParser.normalisedLabel) == wanted }
        } else {
            matching = owned
        }
        switch matching.count {
        case 1:
            await sendPositionCommand(to: matching[0], log: log)
        case 0 where owned.isEmpty:
            await reply(replies.noTracker, to: phone, log: log)
        case 0:
            await reply(replies.unknownLabel, to: phone, log: log)
        default:
            let labels = matching.compactMap(\.label)
            await reply(labels.isEmpty ? replies.unknownLabel : replies.chooseTracker + labels.joined(separator: ", "), to: phone, log: log)
        }
    }

    func sendPositionCommand(to tracker: TrackerRoute, log: Logger) async {
        var log = log
        log[metadataKey: "tracker"] = "\(tracker.trackerID)"
        log[metadataKey: "model"] = "\(tracker.model.rawValue)"
        guard !SubscriberNumber.same(tracker.number, configuration.ownNumber) else {
            log.error("tracker registered with the gateway's own number; command not sent")
            return
        }
        let profile = TrackerCommandProfile.standard(for: tracker.model, genericPositionCommand: configuration.genericPositionCommand)
        let command = profile.positionCommand(password: tracker.password)
        do {
            _ = try await modem.send(text: command, to: tracker.number, ucs2: !GSM7.canEncode(command))
            currentCounters.deliveredSends += 1
            currentCounters.commandsSent += 1
            log.info("position command sent", metadata: ["to": "\(NumberMask.mask(tracker.number))"])
        } catch {
            currentCounters.failedSends += 1
            log.warning("position command refused", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Sends one fixed reply to the phone that wrote; best effort, never retried.
    func reply(_ text: String, to phone: PhoneRoute, log: Logger) async {
        guard !SubscriberNumber.same(phone.number, configuration.ownNumber) else { return }
        do {
            _ = try await modem.send(text: text, to: phone.number, ucs2: !GSM7.canEncode(text))
            currentCounters.deliveredSends += 1
            currentCounters.repliesSent += 1
            log.debug("reply sent", metadata: ["to": "\(NumberMask.mask(phone.number))"])
        } catch {
            currentCounters.failedSends += 1
            log.warning("reply refused", metadata: ["error": "\(type(of: error))"])
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
