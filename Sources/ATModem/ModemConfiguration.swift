/// How trackerd sets a modem up and talks to it.
public struct ModemConfiguration: Sendable, Equatable {
    /// How new messages reach the host (DESIGN.md "Receiving and relaying").
    public enum ReceiveMode: String, Sendable, Equatable, CaseIterable {
        /// `+CNMI=2,1` → `+CMTI`: the SIM holds each message until the host deletes it; a crash loses nothing.
        case storage
        /// `+CSMS=1`, `+CNMI=2,2` → `+CMT` acknowledged with `+CNMA`: nothing touches the SIM.
        case direct
    }

    public var receiveMode: ReceiveMode
    /// SIM PIN, entered when `+CPIN?` asks for it.
    public var pin: String?
    /// Preferred message storage for `+CPMS` (`SM` = SIM, `ME` = modem memory); falls back to what the modem has.
    public var preferredStorage: String
    /// Timeout for an ordinary command.
    public var commandTimeout: Duration
    /// Timeout for `+CMGS` (the network answers in 1–6 s, sometimes much later).
    public var sendTimeout: Duration
    /// How many `AT` probes before the modem is declared silent, and the pause between them.
    public var probeAttempts: Int
    public var probeInterval: Duration
    /// How long start-up keeps retrying while the SIM says it is busy (`+CMS ERROR: 314`, `+CME ERROR: 14`).
    public var simReadyPatience: Duration
    /// Bounded reassembly buffer: how many incomplete messages, and for how long.
    public var reassemblyCapacity: Int
    public var reassemblyMaxAge: Duration
    /// First concatenation reference; later ones count up from it (8-bit, wrapping).
    public var firstConcatenationReference: Int

    public init(
        receiveMode: ReceiveMode = .storage,
        pin: String? = nil,
        preferredStorage: String = "SM",
        commandTimeout: Duration = .seconds(5),
        sendTimeout: Duration = .seconds(60),
        probeAttempts: Int = 10,
        probeInterval: Duration = .milliseconds(500),
        simReadyPatience: Duration = .seconds(30),
        reassemblyCapacity: Int = 64,
        reassemblyMaxAge: Duration = .seconds(600),
        firstConcatenationReference: Int = 1
    ) {
        self.receiveMode = receiveMode
        self.pin = pin
        self.preferredStorage = preferredStorage
        self.commandTimeout = commandTimeout
        self.sendTimeout = sendTimeout
        self.probeAttempts = probeAttempts
        self.probeInterval = probeInterval
        self.simReadyPatience = simReadyPatience
        self.reassemblyCapacity = reassemblyCapacity
        self.reassemblyMaxAge = reassemblyMaxAge
        self.firstConcatenationReference = firstConcatenationReference
    }
}
