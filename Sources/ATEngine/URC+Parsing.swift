/// Parsers for the URC values the modem layer acts on. Each takes the text after `name:`
/// (the whole line is accepted too), tolerates spaces and missing or present quotes,
/// and returns nil for anything it cannot read rather than guessing.
extension URC {
    /// A message's place in modem storage. TS 27.005 §3.4.1 — `+CMTI: <mem>,<index>`,
    /// `+CDSI: <mem>,<index>`.
    public struct StorageIndex: Sendable, Equatable {
        public var storage: String
        public var index: Int

        public init(storage: String, index: Int) {
            self.storage = storage
            self.index = index
        }
    }

    /// Network registration. TS 27.007 §7.2 (`+CREG`), §10.1.20 (`+CGREG`), §10.1.22 (`+CEREG`).
    public struct Registration: Sendable, Equatable {
        /// `<stat>`: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming,
        /// 6/7 SMS-only home/roaming, 8 emergency only, 9/10 CSFB not preferred.
        public var status: Int
        /// `<lac>`/`<tac>` as the modem wrote it (hex), if given.
        public var area: String?
        /// `<ci>` as the modem wrote it (hex), if given.
        public var cell: String?

        public init(status: Int, area: String? = nil, cell: String? = nil) {
            self.status = status
            self.area = area
            self.cell = cell
        }

        /// Registered on the home network or roaming, including SMS-only registration.
        public var isRegistered: Bool {
            [1, 5, 6, 7, 9, 10].contains(status)
        }
    }

    /// `"SM",3` → storage `SM`, index 3.
    public static func parseStorageIndex(_ value: String) -> StorageIndex? {
        let fields = Field.split(value)
        guard fields.count >= 2, let index = fields[1].integer else { return nil }
        return StorageIndex(storage: fields[0].text, index: index)
    }

    /// The PDU length of `+CMT: [<alpha>],<length>`, `+CDS: <length>`, `+CBM: <length>`
    /// (TS 27.005 §3.4.1, PDU mode): the last field, which must be an unquoted number.
    public static func parsePDULength(_ value: String) -> Int? {
        guard let last = Field.split(value).last, !last.quoted else { return nil }
        return last.integer
    }

    /// Reads both the unsolicited form `<stat>[,<lac>,<ci>[,<AcT>]]` and the read-command
    /// response `<n>,<stat>[,<lac>,<ci>[,<AcT>]]`: a second field that is a bare number is
    /// `<stat>` after `<n>`, a quoted one is the `<lac>` after `<stat>`.
    public static func parseRegistration(_ value: String) -> Registration? {
        let fields = Field.split(value)
        guard let first = fields.first, let firstNumber = first.integer, !first.quoted else { return nil }
        if fields.count >= 2, !fields[1].quoted, let status = fields[1].integer {
            return Registration(status: status, area: fields.optionalText(2), cell: fields.optionalText(3))
        }
        return Registration(status: firstNumber, area: fields.optionalText(1), cell: fields.optionalText(2))
    }

    /// This URC's storage index, if it is `+CMTI` or `+CDSI`.
    public var storageIndex: StorageIndex? {
        guard Self.named(name, "+CMTI") || Self.named(name, "+CDSI") else { return nil }
        return Self.parseStorageIndex(value)
    }

    /// This URC's PDU length, if it is `+CMT`, `+CDS` or `+CBM`.
    public var pduLength: Int? {
        guard Self.named(name, "+CMT") || Self.named(name, "+CDS") || Self.named(name, "+CBM") else { return nil }
        return Self.parsePDULength(value)
    }

    /// This URC's registration, if it is `+CREG`, `+CGREG` or `+CEREG`.
    public var registration: Registration? {
        guard Self.named(name, "+CREG") || Self.named(name, "+CGREG") || Self.named(name, "+CEREG") else {
            return nil
        }
        return Self.parseRegistration(value)
    }

    private static func named(_ name: String, _ expected: String) -> Bool {
        ASCII.equalsIgnoringCase(Array(name.utf8)[...], expected.utf8)
    }
}

/// One comma-separated field of a URC value, quotes removed.
private struct Field {
    var text: String
    var quoted: Bool

    var integer: Int? {
        ASCII.parseInt(ASCII.trimmed(Array(text.utf8)[...]))
    }

    /// Splits on commas outside double quotes; a leading `NAME:` is dropped if present.
    static func split(_ value: String) -> [Field] {
        var bytes = ASCII.trimmed(Array(value.utf8)[...])
        if let colon = bytes.firstIndex(of: ASCII.colon),
            !bytes[..<colon].contains(ASCII.quote), !bytes[..<colon].contains(ASCII.comma)
        {
            bytes = ASCII.trimmed(bytes[(colon + 1)...])
        }
        guard !bytes.isEmpty else { return [] }
        var fields: [Field] = []
        var current: [UInt8] = []
        var quoted = false
        var inQuotes = false
        for byte in bytes {
            if byte == ASCII.quote {
                inQuotes.toggle()
                quoted = true
            } else if byte == ASCII.comma && !inQuotes {
                fields.append(Field(bytes: current, quoted: quoted))
                current.removeAll()
                quoted = false
            } else {
                current.append(byte)
            }
        }
        fields.append(Field(bytes: current, quoted: quoted))
        return fields
    }

    private init(bytes: [UInt8], quoted: Bool) {
        self.text = ASCII.string(ASCII.trimmed(bytes[...]))
        self.quoted = quoted
    }
}

extension Array where Element == Field {
    fileprivate func optionalText(_ index: Int) -> String? {
        guard index < count, !self[index].text.isEmpty else { return nil }
        return self[index].text
    }
}
