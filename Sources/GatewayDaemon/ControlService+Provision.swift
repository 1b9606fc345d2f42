import Foundation

extension ControlService {
    /// `{"op":"provision","tracker":ID,"timeout":SECONDS}` → `{"ok":true,"acknowledged":BOOL}`.
    func provision(_ request: [String: Any]) async -> String {
        guard let provisioner else { return Self.error("provisioning is not available") }
        guard let trackerID = (request["tracker"] as? NSNumber)?.int64Value else {
            return Self.error("provision needs \"tracker\"")
        }
        let seconds = (request["timeout"] as? NSNumber)?.intValue ?? 120
        guard (1...3_600).contains(seconds) else { return Self.error("timeout must be 1 to 3600 seconds") }
        do {
            let acknowledged = try await provisioner.provision(trackerID: trackerID, timeout: .seconds(seconds))
            return "{\"ok\":true,\"acknowledged\":\(acknowledged)}"
        } catch {
            return Self.error("provision failed: \(error)")
        }
    }
}
