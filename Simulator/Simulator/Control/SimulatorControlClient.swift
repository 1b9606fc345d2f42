import LineSocket

/// A client of a running simulator's control socket: one JSON request, one JSON reply.
///
/// What `trackersim send|inbox|fault|stats|storage` use, and what a test or script in Swift
/// may use instead of writing to the socket itself. A reply with `"ok": false` is returned as
/// it came; only a socket that cannot be reached or a reply that is not JSON throws.
public final class SimulatorControlClient {
    public let path: String
    private let connection: LineSocketClient

    /// Connects to the control socket at `path`.
    public init(path: String, timeout: Duration = .seconds(30)) throws(SimulationError) {
        self.path = path
        do {
            connection = try LineSocketClient(path: path, timeout: timeout)
        } catch {
            throw SimulationError(path: path, operation: "connect to control socket", detail: error.detail)
        }
    }

    /// Sends one request object and returns the reply object.
    public func request(_ request: JSONValue) throws(SimulationError) -> JSONValue {
        let line: String
        do {
            line = try connection.request(request.jsonLine)
        } catch {
            throw SimulationError(path: path, operation: "control request", detail: error.detail)
        }
        guard let reply = JSONValue(parsing: line), case .object = reply else {
            throw SimulationError(path: path, operation: "control request", detail: "the reply is not a JSON object")
        }
        return reply
    }
}
