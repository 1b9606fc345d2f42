/// The three storages `+CPMS` selects, as the virtual modem holds them now.
///
/// TS 27.005 §3.2.2 — `<mem1>` is read, listed and deleted from (`+CMGR`, `+CMGL`, `+CMGD`),
/// `<mem2>` is written to (`+CMGW`), `<mem3>` is where new messages are stored (`+CMTI` names it).
public struct PreferredStorage: Sendable, Equatable, Codable {
    public var read: String
    public var write: String
    public var receive: String

    public init(read: String, write: String, receive: String) {
        self.read = read
        self.write = write
        self.receive = receive
    }
}
