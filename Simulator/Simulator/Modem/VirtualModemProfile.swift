/// A kind of real modem the virtual one can behave like: identity, storage and boot lines.
///
/// `ec25` is a Quectel EC25/EG25 LTE module as it comes out of the box: it keeps new messages
/// in the module's own memory (`+CPMS: "ME",…` for all three storages at power-up, until a
/// client selects another with `+CPMS`), has far more room there than on the SIM, and says
/// `+QIND: SMS DONE` once SMS is ready after a reboot, as field reports of these modules show
/// (TS 27.005 §3.2.2 leaves the default storage to the manufacturer). A gateway that only
/// reads `SM` never sees what such a module received before it connected (issue #9.1).
public enum VirtualModemProfile: String, Sendable, CaseIterable {
    /// The simulator's own modem: `SM` storage, trackersim identity.
    case generic
    /// Quectel EC25/EG25: `ME` storage by default.
    case ec25

    /// The configuration of a modem of this kind with the given SIM number and PIN.
    public func configuration(number: String, pin: String? = nil) -> VirtualModemConfiguration {
        switch self {
        case .generic:
            return VirtualModemConfiguration(number: number, pin: pin)
        case .ec25:
            return VirtualModemConfiguration(
                number: number, pin: pin, smCapacity: 50, meCapacity: 255, defaultStorage: "ME",
                manufacturer: "Quectel", model: "EC25", revision: "EC25EFAR06A06M4G",
                imei: "866758041234567",
                bootURCs: ["RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE"])
        }
    }
}
