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
        let previous = state.withLock { state in
            defer { state.adminAcknowledgementWaiters[trackerID] = AdminAcknowledgementWaiter(profile: profile, continuation: continuation) }
            return state.adminAcknowledgementWaiters[trackerID]
        }
        previous?.continuation.finish()
        return stream
    }

    public func stopExpectingAdminAcknowledgement(trackerID: Int64) {
        state.withLock { $0.adminAcknowledgementWaiters.removeValue(forKey: trackerID) }?.continuation.finish()
    }

    /// True when the message was an awaited acknowledgement: it is then deleted, not relayed.
    func captureAdminAcknowledgement(_ message: IncomingMessage, from tracker: TrackerRoute, log: Logger) -> Bool {
        let waiter: AdminAcknowledgementWaiter? = state.withLock { state in
            guard let waiter = state.adminAcknowledgementWaiters[tracker.trackerID], waiter.profile.isAdminAcknowledgement(message.text) else {
                return nil
            }
            state.adminAcknowledgementWaiters[tracker.trackerID] = nil
            return waiter
        }
        guard let waiter else { return false }
        waiter.continuation.yield()
        waiter.continuation.finish()
        log.info("admin acknowledgement captured for provisioning; not relayed")
        return true
    }
}
