/// Which lines are unsolicited result codes and how many lines follow each.
///
/// Data, not code: a modem with its own URCs gets its own entries. TS 27.005 §3.4.1 and
/// TS 27.007 §7.2, §7.3, §7.18, §10.1.19/20, plus boot and vendor URCs seen on Quectel,
/// SIMCom and Huawei modems.
public struct URCTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The name as the modem writes it, e.g. `+CMTI` or `SMS Ready`.
        public var name: String
        /// Lines that follow the URC line and belong to it (the PDU of `+CMT`).
        public var trailingLines: Int
        /// Only a URC when no command is in flight (`NO CARRIER` is otherwise a final result).
        public var onlyWhenIdle: Bool

        public init(_ name: String, trailingLines: Int = 0, onlyWhenIdle: Bool = false) {
            precondition(trailingLines >= 0, "a URC cannot have a negative number of trailing lines")
            self.name = name
            self.trailingLines = trailingLines
            self.onlyWhenIdle = onlyWhenIdle
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// The URCs of TS 27.005/27.007 and the boot and vendor URCs trackerd meets in practice.
    public static let standard = URCTable([
        Entry("+CMTI"),
        Entry("+CMT", trailingLines: 1),
        Entry("+CDSI"),
        Entry("+CDS", trailingLines: 1),
        Entry("+CBM", trailingLines: 1),
        Entry("+CREG"),
        Entry("+CGREG"),
        Entry("+CEREG"),
        Entry("RING"),
        Entry("+CRING"),
        Entry("+CLIP"),
        Entry("NO CARRIER", onlyWhenIdle: true),
        Entry("RDY"),
        Entry("SMS Ready"),
        Entry("Call Ready"),
        Entry("+CPIN"),
        Entry("+QIND"),
        Entry("^RSSI"),
        Entry("^BOOT"),
        Entry("^MODE"),
        Entry("+CUSD"),
    ])

    /// The entry whose name is the whole line or is followed by `:` (so `+CMT` never
    /// matches `+CMTI: …`), ignoring ASCII case; the longest name wins.
    func match(_ line: ArraySlice<UInt8>, commandInFlight: Bool) -> (entry: Entry, valueStart: Int)? {
        var best: (entry: Entry, valueStart: Int)?
        for entry in entries {
            if entry.onlyWhenIdle && commandInFlight { continue }
            let name = entry.name.utf8
            guard ASCII.hasPrefix(line, name) else { continue }
            let after = line.startIndex + name.count
            let valueStart: Int
            if after == line.endIndex {
                valueStart = after
            } else if line[after] == ASCII.colon {
                valueStart = after + 1
            } else {
                continue
            }
            if best == nil || name.count > best!.entry.name.utf8.count {
                best = (entry, valueStart)
            }
        }
        return best
    }
}
