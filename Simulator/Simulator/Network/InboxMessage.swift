/// One whole SMS a virtual phone received: reassembled from its parts, with its sender.
public struct InboxMessage: Sendable, Equatable, Codable {
    public var from: String
    public var text: String
    /// How many concatenated parts it arrived in (1 for a single SMS).
    public var parts: Int

    public init(from: String, text: String, parts: Int) {
        self.from = from
        self.text = text
        self.parts = parts
    }
}
