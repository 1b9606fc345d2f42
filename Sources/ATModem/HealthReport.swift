/// What one health probe learnt, from the answer to the single chained command line
/// `AT+CPIN?;+CSQ;+CREG?;+CPMS?` (V.250 §5.2.1: extended commands chained with `;`).
///
/// DESIGN.md "Performance targets": at most one AT command line a minute while idle, and still a
/// dead modem, a SIM that wants its PIN again, a lost registration and a lost `+CMTI` are noticed.
public struct HealthReport: Sendable, Equatable {
    /// `READY`, `SIM PIN`, …; nil when the line was missing.
    public var simState: String?
    public var signal: SignalQuality?
    public var registration: RegistrationStatus?
    public var storage: StorageStatus?

    public init(simState: String? = nil, signal: SignalQuality? = nil, registration: RegistrationStatus? = nil, storage: StorageStatus? = nil) {
        self.simState = simState
        self.signal = signal
        self.registration = registration
        self.storage = storage
    }

    /// The one command line a probe sends.
    public static let command = "AT+CPIN?;+CSQ;+CREG?;+CPMS?"

    public init(lines: [String]) {
        self.init(
            simState: Self.simState(in: lines), signal: Self.signal(in: lines),
            registration: Self.registration(in: lines), storage: Self.storage(in: lines))
    }

    /// TS 27.007 §8.3 `+CPIN: <code>`, upper-cased.
    static func simState(in lines: [String]) -> String? {
        lines.lazy.compactMap { ResponseFields.fields(of: $0, prefix: "+CPIN") }.first?.first?.uppercased()
    }

    /// TS 27.007 §8.5 `+CSQ: <rssi>,<ber>`.
    static func signal(in lines: [String]) -> SignalQuality? {
        guard let fields = lines.lazy.compactMap({ ResponseFields.fields(of: $0, prefix: "+CSQ") }).first,
              fields.count >= 2, let rssi = Int(fields[0]), let ber = Int(fields[1]) else { return nil }
        return SignalQuality(rssi: rssi, bitErrorRate: ber)
    }

    /// TS 27.007 §7.2 `+CREG: <n>,<stat>[,…]` (a few modems answer `+CREG: <stat>` alone).
    static func registration(in lines: [String]) -> RegistrationStatus? {
        guard let line = lines.first(where: { ResponseFields.fields(of: $0, prefix: "+CREG") != nil }),
              let stat = URC.parseRegistration(line)?.status else { return nil }
        return RegistrationStatus(rawValue: stat)
    }

    /// TS 27.005 §3.2.2 read form `+CPMS: <mem1>,<used1>,<total1>,…`.
    static func storage(in lines: [String]) -> StorageStatus? {
        guard let fields = lines.lazy.compactMap({ ResponseFields.fields(of: $0, prefix: "+CPMS") }).first,
              fields.count >= 3, let used = Int(fields[1]), let total = Int(fields[2]) else { return nil }
        return StorageStatus(storage: fields[0].uppercased(), used: used, total: total)
    }
}

extension Modem {
    /// One health probe: one command line. Throws when the modem did not answer (or answered
    /// with an error: a SIM that was reset answers `+CPIN?` with `SIM PIN` but may refuse the rest).
    public func probeHealth() async throws(ModemError) -> HealthReport {
        let response: ATResponse
        do {
            response = try await execute(HealthReport.command)
        } catch {
            // A SIM that asks for its PIN can make the chain fail after +CPIN?: ask that alone.
            if case .command(.commandFailed) = error, let state = try? await simState(), state != "READY" {
                return HealthReport(simState: state)
            }
            throw error
        }
        let report = HealthReport(lines: response.lines)
        if let storage = report.storage, storage.isFull {
            tell(.storageFull(storage: storage.storage, used: storage.used, total: storage.total))
        }
        return report
    }

    /// Whether storage holds more than the host knows of: a message whose `+CMTI` was lost (to a
    /// hang, line noise, a read the modem refused). The next sweep picks it up.
    public func storageHoldsUnknownMessages(_ storage: StorageStatus) -> Bool {
        storage.used > book.heldCount(in: storage.storage)
    }
}
