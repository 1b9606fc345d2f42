import ATModem
import TrackerGateway

/// The modem as the relay sees it, across re-opens: whichever modem is connected now.
///
/// While the modem is away every send and delete fails; the relay keeps the message and retries,
/// and storage keeps it for the sweep after the re-open (invariant 2).
actor ModemLink: RelayModem {
    private var modem: Modem<ContinuousClock>?

    func attach(_ modem: Modem<ContinuousClock>?) {
        self.modem = modem
    }

    var current: Modem<ContinuousClock>? { modem }

    func send(text: String, to number: String, ucs2: Bool) async throws -> [Int] {
        guard let modem else { throw ModemUnavailable() }
        return try await modem.send(text: text, to: number, forceUCS2: ucs2)
    }

    func deleteStored(indices: [Int]) async throws {
        guard let modem else { throw ModemUnavailable() }
        try await modem.delete(indices: indices)
    }
}

/// No modem is connected right now (unplugged, re-opening, or shutting down).
struct ModemUnavailable: Error, CustomStringConvertible {
    var description: String { "modem not connected" }
}
