import ATModem
import Foundation
import TrackerGateway

/// What `trackerd status` shows: modem state, radio, counters, last error. Never PII.
struct DaemonStatus: Codable, Sendable {
    enum ModemState: String, Codable, Sendable {
        case opening
        case ready
        case reopening
        case stopped
    }

    var pid: Int32
    var startedAt: Date
    var receiveMode: String
    var modemState: ModemState
    var modemManufacturer: String?
    var modemModel: String?
    var signalRSSI: Int?
    var signalDBm: Int?
    var registration: String?
    var storageUsed: Int?
    var storageTotal: Int?
    var storageFull: Bool
    var reopens: Int
    var healthProbes: Int
    var statusReports: Int
    var undecodableDeleted: Int
    var binaryDropped: Int
    /// The last error's kind and device, never a body or a number.
    var lastError: String?
    var lastErrorAt: Date?
    var relay: RelayCounters
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
