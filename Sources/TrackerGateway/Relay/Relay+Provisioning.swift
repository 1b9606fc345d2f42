import Logging

/// Capturing a tracker's acknowledgement of its admin-number command (`trackerd tracker provision`).
///
/// `/work/shared/corpus/tracker-sms.md` — the gateway's own number must be the tracker's admin /
/// centre number. While a provisioning waits on a tracker, the tracker's acknowledgement (`admin ok`,
/// …) is taken by the relay and deleted, not relayed to the customer's phones; anything else from
/// the tracker relays as usual.
extension Relay {
    struct AdminAcknowledgementWaiter {
        /// The tracker's number: the acknowledgement is recognised before the duplicate check,
        /// since two acknowledgements of two commands read the same within one SCTS second.
        let number: String
        let profile: TrackerCommandProfile
        let continuation: AsyncStream<Void>.Continuation
    }

    /// Starts waiting for `trackerID`'s acknowledgement; the stream yields once when it comes.
    /// Call ``stopExpectingAdminAcknowledgement(trackerID:)`` when done (or timed out).
    public func expectAdminAcknowledgement(trackerID: Int64, number: String, profile: TrackerCommandProfile) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let previous = state.withLock { state in
            defer { state.adminAcknowledgementWaiters[trackerID] = AdminAcknowledgementWaiter(number: number, profile: profile, continuation: continuation) }
            return state.adminAcknowledgementWaiters[trackerID]
        }
        previous?.continuation.finish()
        return stream
    }

    public func stopExpectingAdminAcknowledgement(trackerID: Int64) {
        state.withLock { $0.adminAcknowledgementWaiters.removeValue(forKey: trackerID) }?.continuation.finish()
    }

    /// True when the message is an awaited acknowledgement from the tracker being provisioned:
    /// the waiter hears of it, and the message is deleted, not relayed (nor remembered as seen).
    func captureAdminAcknowledgement(_ message: IncomingMessage, log: Logger) -> Bool {
        let waiter: AdminAcknowledgementWaiter? = state.withLock { state in
            guard !state.adminAcknowledgementWaiters.isEmpty,
                  let (trackerID, waiter) = state.adminAcknowledgementWaiters.first(where: {
                      SubscriberNumber.same($0.value.number, message.sender) && $0.value.profile.isAdminAcknowledgement(message.text)
                  }) else { return nil }
            state.adminAcknowledgementWaiters[trackerID] = nil
            return waiter
        }
        guard let waiter else { return false }
        waiter.continuation.yield()
        waiter.continuation.finish()
        log.info("admin acknowledgement captured for provisioning; not relayed")
        return true
    }
}
