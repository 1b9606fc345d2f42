/// Who the virtual modem is and how slow it is, fixed at power-up.
public struct VirtualModemConfiguration: Sendable, Equatable {
    /// The SIM's own number (MSISDN), E.164 with `+`; given to the network as the sender.
    public var number: String
    /// The SIM PIN; `nil` means the SIM has PIN checking off (`+CPIN: READY` at once).
    public var pin: String?
    /// The SIM PUK that unblocks after three wrong PINs (`AT+CPIN="<puk>","<new pin>"`).
    public var puk: String
    public var smCapacity: Int
    public var meCapacity: Int
    /// The storage (`"SM"` or `"ME"`) `+CPMS` shows for mem1, mem2 and mem3 at power-up, so where
    /// new messages go until a client selects another: `"SM"` for most sticks, `"ME"` for a
    /// Quectel EC25/EG25 (TS 27.005 §3.2.2 leaves the default to the manufacturer).
    public var defaultStorage: String
    /// The index of the first storage slot: 1 (most modems) or 0 (some Qualcomm and Huawei sticks).
    public var firstIndex: Int
    public var manufacturer: String
    public var model: String
    public var revision: String
    public var imei: String
    public var imsi: String
    /// The service centre the SIM names (`+CSCA?`) and that prefixes every PDU the modem shows.
    public var serviceCentre: String
    public var operatorName: String
    public var signalQuality: Int
    /// How long a `+CMT`/`+CDS` shown with `+CSMS=1` waits for `+CNMA` before the network
    /// takes it back (TS 27.005 §3.4.4: the TA must not wait forever; real networks use ~5–15 s).
    public var acknowledgementTimeout: Duration
    /// How long the network waits before delivering a message it took back again.
    public var redeliveryDelay: Duration
    /// Multiplies both durations above (0.01 makes tests and benchmarks fast).
    public var timeScale: Double
    /// Unsolicited lines a real modem prints after a power cycle (`RDY`, `+CPIN: READY`,
    /// `SMS Ready`); shown when the link reopens after a drop.
    public var bootURCs: [String]
    /// How many SMS commands after power-up get `+CMS ERROR: 314` (SIM busy) while the SIM
    /// is still loading its phonebook and SMS records, as many real modems answer for seconds.
    public var simBusyCommandsAfterPowerUp: Int
    /// Unknown commands get plain `ERROR` even with `+CMEE=1` (Huawei, SIMCom) instead of
    /// `+CME ERROR: 4` (what the `+CMEE` setting asks for).
    public var plainErrorForUnknownCommands: Bool

    public init(
        number: String, pin: String? = nil, puk: String = "12345678",
        smCapacity: Int = 30, meCapacity: Int = 100, defaultStorage: String = "SM", firstIndex: Int = 1,
        manufacturer: String = SimulatorInfo.manufacturer, model: String = SimulatorInfo.model,
        revision: String = SimulatorInfo.revision, imei: String = "356938035643809",
        imsi: String = "001010123456789", serviceCentre: String = "+491710760000",
        operatorName: String = "trackersim", signalQuality: Int = 20,
        acknowledgementTimeout: Duration = .seconds(5), redeliveryDelay: Duration = .seconds(5),
        timeScale: Double = 1, bootURCs: [String] = ["RDY", "+CFUN: 1", "SMS Ready"],
        simBusyCommandsAfterPowerUp: Int = 0, plainErrorForUnknownCommands: Bool = false
    ) {
        precondition(firstIndex == 0 || firstIndex == 1, "storage indices start at 0 or 1")
        precondition(Self.storages.contains(defaultStorage), "the default storage is SM or ME")
        self.number = number
        self.pin = pin
        self.puk = puk
        self.smCapacity = smCapacity
        self.meCapacity = meCapacity
        self.defaultStorage = defaultStorage
        self.firstIndex = firstIndex
        self.manufacturer = manufacturer
        self.model = model
        self.revision = revision
        self.imei = imei
        self.imsi = imsi
        self.serviceCentre = serviceCentre
        self.operatorName = operatorName
        self.signalQuality = signalQuality
        self.acknowledgementTimeout = acknowledgementTimeout
        self.redeliveryDelay = redeliveryDelay
        self.timeScale = timeScale
        self.bootURCs = bootURCs
        self.simBusyCommandsAfterPowerUp = simBusyCommandsAfterPowerUp
        self.plainErrorForUnknownCommands = plainErrorForUnknownCommands
    }

    /// The preferred-storage areas this modem offers (`+CPMS=?`).
    public static let storages = ["SM", "ME"]

    var scaledAcknowledgementTimeout: Duration { acknowledgementTimeout * timeScale }
    var scaledRedeliveryDelay: Duration { redeliveryDelay * timeScale }
}
