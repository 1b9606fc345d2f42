import ATModem
import Foundation
import TrackerGateway

/// What `trackerd status` shows: each modem, the pool's totals, the relay's counters. Never PII:
/// a gateway number appears masked, no message, no customer's number or name.
public struct DaemonStatus: Codable, Sendable {
    public var pid: Int32
    public var startedAt: Date
    public var modems: [ModemSnapshot]
    /// The pool's totals over every modem.
    public var pool: PoolTotals
    public var relay: RelayCounters

    public init(pid: Int32, startedAt: Date, modems: [ModemSnapshot], relay: RelayCounters) {
        self.pid = pid
        self.startedAt = startedAt
        self.modems = modems
        self.relay = relay
        pool = PoolTotals(
            modems: modems.count, ready: modems.filter { $0.state == .ready }.count,
            sends: modems.reduce(0) { $0 + $1.sends }, sendFailures: modems.reduce(0) { $0 + $1.sendFailures })
    }
}

/// What the pool of modems did, added up.
public struct PoolTotals: Codable, Sendable, Equatable {
    public var modems: Int
    /// Modems ready to send and receive now.
    public var ready: Int
    public var sends: Int
    public var sendFailures: Int
}

/// One modem's live status.
public struct ModemSnapshot: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case opening
        /// The device is missing or busy; trackerd keeps trying (a modem may be plugged in later).
        case waitingForDevice = "waiting-for-device"
        case ready
        case reopening
        case stopped
    }

    public var device: String
    /// The SIM's gateway number, masked (`+49•••••0001`).
    public var number: String
    public var receiveMode: String
    public var state: State = .opening
    public var manufacturer: String?
    public var model: String?
    public var signalRSSI: Int?
    public var signalDBm: Int?
    public var registration: String?
    public var storage: String?
    public var storageUsed: Int?
    public var storageTotal: Int?
    public var storageFull = false
    public var reopens = 0
    public var healthProbes = 0
    public var statusReports = 0
    public var undecodable = 0
    public var binaryDropped = 0
    /// Messages set aside because handling them crashed the daemon twice (left where they are).
    public var setAside = 0
    /// SMS this modem sent (every part counts once per message) and sends it failed.
    public var sends = 0
    public var sendFailures = 0
    public var lastReceivedAt: Date?
    /// The last error's kind and device, never a body or a number.
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(device: String, number: String, receiveMode: String) {
        self.device = device
        self.number = number
        self.receiveMode = receiveMode
    }
}
