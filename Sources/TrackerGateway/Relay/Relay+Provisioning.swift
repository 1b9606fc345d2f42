import Logging

/// Capturing a tracker's acknowledgement of its admin-number command (`trackerd tracker provision`).
///
/// `/work/shared/corpus/tracker-sms.md` — the gateway's own number must be the tracker's admin /
/// centre number. While a provisioning waits on a tracker, the tracker's acknowledgement (`admin ok`,
/// …) is taken by the relay and deleted, not relayed to the customer's phones; anything else from
/// the tracker relays as usual.
extension Relay {
    struct AdminAcknowledgementWaiter {
        let profile: TrackerCommandProfile
        let continuation: AsyncStream<Void>.Continuation
    }

    /// Starts waiting for `trackerID`'s acknowledgement; the stream yields once when it comes.
    /// Call ``stopExpectingAdminAcknowledgement(trackerID:)`` when done (or timed out).
    public func expectAdminAcknowledgement(trackerID: Int64, profile: TrackerCommandProfile) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        adminAcknowledgementWaiters[trackerID]?.continuation.finish()
        adminAcknowledgementWaiters[trackerID] = AdminAcknowledgementWaiter(profile: profile, continuation: continuation)
        return stream
    }

    public func stopExpectingAdminAcknowledgement(trackerID: Int64) {
        adminAcknowledgementWaiters.removeValue(forKey: trackerID)?.continuation.finish()
    }

    /// True when the message was an awaited acknowledgement: it is then deleted, not relayed.
    func captureAdminAcknowledgement(_ message: IncomingMessage, from tracker: TrackerRoute, identity: MessageIdentity, log: Logger) async -> Bool {
        guard let waiter = adminAcknowledgementWaiters[tracker.trackerID], waiter.profile.isAdminAcknowledgement(message.text) else {
            return false
        }
        adminAcknowledgementWaiters[tracker.trackerID] = nil
        waiter.continuation.yield()
        waiter.continuation.finish()
        log.info("admin acknowledgement captured for provisioning; not relayed")
        await finish(identity, log: log)
        return true
    }
}
