import Foundation

/// Where `GET /metrics` listens: `metrics.listen`, `TRACKERD_METRICS_LISTEN` or `--metrics-listen`.
///
/// Issue 12: loopback by default. `9478` or `:9478` listen on 127.0.0.1; `127.0.0.1:9478`,
/// `[::1]:9478` and `localhost:9478` name the host. Another host (an interface address) is
/// allowed but must be written out: nothing listens beyond loopback by accident. Port 0 takes any
/// free port, which the daemon logs (`metrics endpoint listening address=…`): for tests.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let defaultHost = "127.0.0.1"

    public init(host: String = ListenAddress.defaultHost, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses the forms above; the error says what is wrong, the caller says where.
    public init(parsing text: String) throws(ListenAddressProblem) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        var host = ListenAddress.defaultHost
        var portText = Substring(trimmed)
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"), trimmed[trimmed.index(after: close)...].hasPrefix(":") else { throw .malformed }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else if let colon = trimmed.lastIndex(of: ":") {
            let named = trimmed[..<colon]
            guard !named.contains(":") else { throw .malformed }
            if !named.isEmpty { host = String(named) }
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { throw .malformed }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), (0...65_535).contains(port) else {
            throw .badPort
        }
        self.init(host: host, port: port)
    }

    /// `127.0.0.1:9478`, `[::1]:9478`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum ListenAddressProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case malformed
    case badPort

    public var description: String {
        switch self {
        case .empty: return "is empty; give a port (9478) or host:port (127.0.0.1:9478)"
        case .malformed: return "must be a port (9478) or host:port (127.0.0.1:9478, [::1]:9478)"
        case .badPort: return "needs a port from 1 to 65535, or 0 for any free one (127.0.0.1:9478)"
        }
    }
}
