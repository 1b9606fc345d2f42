import SMSCodec
import SerialTransport
import TrackerProfiles

/// What the virtual modem needs from the network it is attached to.
///
/// TS 27.005 §3.5.1 — `+CMGS` hands a SUBMIT to the network; the modem only answers once the
/// network (the SMSC, over the radio) has acknowledged or refused it.
public protocol NetworkSide: AnyObject, Sendable {
    /// The modem submitted an SMS (AT+CMGS). `messageReference` is the TP-MR the modem assigned
    /// (it overwrites whatever the client put in the PDU, as real modems do).
    /// The network answers through `completion` after its radio delay, on any thread, exactly once:
    /// `.accepted` (modem prints `+CMGS: <mr>`, `OK`) or `.failed(cmsCode)` (`+CMS ERROR: <code>`).
    func modemSubmitted(_ submit: SMSSubmit, messageReference: UInt8, from modemNumber: String,
                        completion: @escaping @Sendable (SubmitOutcome) -> Void)
}

/// How the network answered one submitted SMS.
public enum SubmitOutcome: Sendable, Equatable {
    case accepted
    case failed(cmsCode: Int)
}

/// What `VirtualModem.deliver(_:)` / `deliverStatusReport(_:)` did with an incoming message.
///
/// A `refused` message was not taken: the network keeps it and delivers it again later, as a
/// real SMSC does after a negative RP-ACK (TS 24.011 §7.3.4 "memory capacity exceeded") or when
/// the handset is unreachable. A message shown with `+CMT` while `+CSMS=1` that the client never
/// acknowledges with `+CNMA` is re-shown by the modem itself after its acknowledgement timeout;
/// the network need not track it.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Written to storage (`"SM"` or `"ME"`) at that index; `+CMTI` / `+CDSI` was shown if `+CNMI` asks.
    case stored(storage: String, index: Int)
    /// Routed straight to the client (`+CMT` / `+CDS`), not stored. Also a status report while
    /// `+CNMI` `<ds>` is 0: the modem routes it nowhere, and the network is done with it.
    case forwarded
    /// Not taken; the network should hold the message and retry.
    case refused(DeliveryRefusal)
}

/// Why the modem did not take an incoming message.
public enum DeliveryRefusal: Sendable, Equatable {
    /// The preferred storage is full (or the `storageFull` fault is active).
    case storageFull
    /// The modem is off the air: not started, stopped, dropped, or hung.
    case unreachable
    /// The SIM waits for its PIN; nothing can be stored.
    case simLocked
}

/// A misbehaviour the virtual modem can be told to show, each the way real modems show it.
public enum ModemFault: Sendable, Equatable {
    /// Close the pty (the client sees a hang-up), reopen at the same link after the delay.
    /// Storage survives, like a SIM; settings go back to power-up defaults.
    case drop(reopenAfter: Duration)
    /// The next `count` SMS commands (+CMGS/+CMGR/+CMGL/+CMGD) fail with `+CMS ERROR: <code>`.
    case cmsError(count: Int, code: Int)
    /// Stop answering anything for that long (bytes are read and dropped).
    case hang(Duration)
    /// The next `count` response lines get corrupted bytes.
    case garble(count: Int)
    /// Spurious URCs (+CREG, ^RSSI, RING…) inserted inside the next `count` responses.
    case urcNoise(count: Int)
    /// Storage reports full: writes get `+CMS ERROR: 322`, incoming SMS are refused
    /// (`DeliveryOutcome.refused(.storageFull)`) until `reset()` or the fault is cleared.
    case storageFull
    /// The SIM asks for its PIN again (`+CPIN: SIM PIN`). TS 27.005 message commands
    /// (+CPMS, +CMGL/R/D/S/W, +CSCA) then get `+CMS ERROR: 311`, TS 27.007 ones (+CIMI, +CNUM)
    /// `+CME ERROR: 11`; incoming SMS are refused with `.simLocked`. The PIN is the configured
    /// one, or "1234" when the modem was made without one.
    case pinLocked
}

/// One message in the modem's storage, for the control socket's `{"op":"storage"}`.
public struct StoredMessageInfo: Sendable, Equatable, Codable {
    /// `"SM"` or `"ME"`.
    public var storage: String
    /// The index `+CMGR` / `+CMGD` take (0- or 1-based as configured).
    public var index: Int
    /// `"REC UNREAD"`, `"REC READ"`, `"STO UNSENT"`, `"STO SENT"`.
    public var status: String
    /// The originating address as printed (`+491701234567`); empty for a status report.
    public var sender: String

    public init(storage: String, index: Int, status: String, sender: String) {
        self.storage = storage
        self.index = index
        self.status = status
        self.sender = sender
    }
}
