import ATModem
import Foundation
import TrackerGateway

/// What `trackerd status` shows: modem state, radio, counters, last error. Never PII.
public struct DaemonStatus: Codable, Sendable {
    public enum ModemState: String, Codable, Sendable {
        case opening
        case ready
        case reopening
        case stopped
    }

    public var pid: Int32
    public var startedAt: Date
    public var receiveMode: String
    public var modemState: ModemState
    public var modemManufacturer: String?
    public var modemModel: String?
    public var signalRSSI: Int?
    public var signalDBm: Int?
    public var registration: String?
    public var storageUsed: Int?
    public var storageTotal: Int?
    public var storageFull: Bool
    public var reopens: Int
    public var healthProbes: Int
    public var statusReports: Int
    public var undecodableDeleted: Int
    public var binaryDropped: Int
    /// The last error's kind and device, never a body or a number.
    public var lastError: String?
    public var lastErrorAt: Date?
    public var relay: RelayCounters
}

/// The daemon's live status, shared by the modem service and the control socket.
actor StatusBoard {
    private(set) var status: DaemonStatus

    init(receiveMode: ModemConfiguration.ReceiveMode) {
        status = DaemonStatus(
            pid: getpid(), startedAt: Date(), receiveMode: receiveMode.rawValue, modemState: .opening,
            storageFull: false, reopens: 0, healthProbes: 0, statusReports: 0, undecodableDeleted: 0,
            binaryDropped: 0, relay: RelayCounters()
        )
    }

    func update(_ change: (inout DaemonStatus) -> Void) {
        change(&status)
    }

    func recordError(_ description: String) {
        status.lastError = description
        status.lastErrorAt = Date()
    }
}
