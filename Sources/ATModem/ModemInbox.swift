import Synchronization

/// A delegate that keeps what a modem delivers, for tools and tests that want the messages
/// without a relay: every message is taken (or handled by `disposition`), every event kept.
public final class ModemInbox: ModemDelegate {
    private struct State {
        var messages: [ReceivedSMS] = []
        var events: [ModemEvent] = []
    }

    private let state = Mutex(State())
    private let disposition: @Sendable (ReceivedSMS) -> MessageDisposition

    public init(disposition: @escaping @Sendable (ReceivedSMS) -> MessageDisposition = { _ in .taken }) {
        self.disposition = disposition
    }

    public var messages: [ReceivedSMS] { state.withLock { $0.messages } }
    public var events: [ModemEvent] { state.withLock { $0.events } }

    public func modem(_ modem: isolated Modem, received message: ReceivedSMS) -> MessageDisposition {
        state.withLock { $0.messages.append(message) }
        return disposition(message)
    }

    public func modem(_ modem: isolated Modem, noticed event: ModemEvent) {
        state.withLock { $0.events.append(event) }
    }

    /// Waits (polling, bounded by `timeout`) until `count` messages have come; returns them.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async -> [ReceivedSMS] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while messages.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return messages
    }

    /// Waits until an event satisfying `match` has come.
    public func waitForEvent(timeout: Duration = .seconds(10), _ match: (ModemEvent) -> Bool) async -> ModemEvent? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let event = events.first(where: match) { return event }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return events.first(where: match)
    }
}
