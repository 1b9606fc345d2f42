/// Start-up and identity.
///
/// The sequence follows DESIGN.md "Real modems differ": probe until the modem answers (it may be
/// booting, echoing, or stuck at a `> ` prompt), then echo off, verbose errors, PIN, PDU mode,
/// storage and new-message indications, retrying while the SIM says it is busy.
extension Modem {
    /// Brings the modem from power-up (or an unknown state) to receiving messages.
    public func start() async throws(ModemError) {
        try await waitUntilResponsive()
        try await executeWhenSIMReady("ATE0")
        // Verbose errors make failures actionable; a modem without +CMEE still works.
        _ = try? await execute("AT+CMEE=1")
        try await unlockSIM()
        try await executeWhenSIMReady("AT+CMGF=0")
        offeredStorages = await readableStorages()
        try await selectStorage()
        switch configuration.receiveMode {
        case .storage:
            try await executeFirstAccepted(["AT+CNMI=2,1,0,1,0", "AT+CNMI=1,1,0,1,0", "AT+CNMI=2,1,0,0,0", "AT+CNMI=2,1"])
        case .direct:
            try await executeWhenSIMReady("AT+CSMS=1")
            try await executeFirstAccepted(["AT+CNMI=2,2,0,1,0", "AT+CNMI=1,2,0,1,0", "AT+CNMI=2,2,0,0,0", "AT+CNMI=2,2"])
        }
    }

    /// Sends `AT` until the modem answers. A modem left at a `> ` prompt is freed with Esc first.
    public func waitUntilResponsive() async throws(ModemError) {
        for attempt in 1...max(1, configuration.probeAttempts) {
            if attempt == 1 || attempt % 3 == 0 {
                // Esc cancels a half-written +CMGS from a previous run; harmless otherwise.
                try writeRaw([0x1B])
            }
            do {
                try await execute(ATCommand("AT", timeout: configuration.probeInterval))
                return
            } catch {
                if case .transport = error { throw error }
                if case .closed = error { throw error }
            }
        }
        throw .notResponding(device: path, attempts: configuration.probeAttempts)
    }

    /// True when the modem answers `AT` within the ordinary timeout.
    public func isResponsive() async -> Bool {
        do {
            try await execute("AT")
            return true
        } catch {
            return false
        }
    }

    /// Whether the SIM is unlocked (`+CPIN: READY`). TS 27.007 §8.3.
    public func isSIMReady() async -> Bool {
        (try? await simState()) == "READY"
    }

    public func identity() async throws(ModemError) -> ModemIdentity {
        func value(_ command: String) async throws(ModemError) -> String {
            let response = try await execute(command)
            return ResponseFields.value(of: response.lines, prefix: String(command.dropFirst(2))) ?? ""
        }
        return ModemIdentity(
            manufacturer: try await value("AT+CGMI"),
            model: try await value("AT+CGMM"),
            revision: try await value("AT+CGMR"),
            imei: try await value("AT+CGSN")
        )
    }

    public func signalQuality() async throws(ModemError) -> SignalQuality {
        let response = try await execute("AT+CSQ")
        guard let signal = HealthReport.signal(in: response.lines) else {
            throw .unexpectedResponse(command: "AT+CSQ", detail: "no +CSQ: <rssi>,<ber> line")
        }
        return signal
    }

    public func registration() async throws(ModemError) -> RegistrationStatus {
        let response = try await execute("AT+CREG?")
        guard let status = HealthReport.registration(in: response.lines) else {
            throw .unexpectedResponse(command: "AT+CREG?", detail: "no +CREG: <n>,<stat> line")
        }
        return status
    }

    /// Occupancy of the storage in use for reading (`+CPMS?`).
    public func storageStatus() async throws(ModemError) -> StorageStatus {
        let response = try await execute("AT+CPMS?")
        guard let status = HealthReport.storage(in: response.lines) else {
            throw .unexpectedResponse(command: "AT+CPMS?", detail: "no +CPMS: <mem>,<used>,<total> line")
        }
        return status
    }

    // MARK: - Steps

    private func unlockSIM() async throws(ModemError) {
        var state = try await simState()
        if state == "READY" { return }
        guard state == "SIM PIN" else { throw .pinRequired(device: path, state: state) }
        guard let pin = configuration.pin else { throw .pinRequired(device: path, state: state) }
        do {
            try await execute("AT+CPIN=\"\(pin)\"")
        } catch {
            if case .command(.commandFailed(_, .cmeError(let code, _))) = error { throw .pinRejected(device: path, code: code) }
            throw error
        }
        // After a PIN the SIM takes a moment before it answers READY.
        let deadline = executor.time.now.advanced(by: configuration.simReadyPatience)
        while true {
            state = try await simState()
            if state == "READY" { return }
            if executor.time.now >= deadline { throw .pinRequired(device: path, state: state) }
            try? await executor.sleep(for: .milliseconds(250))
        }
    }

    func simState() async throws(ModemError) -> String {
        let response = try await executeWhenSIMReady("AT+CPIN?")
        guard let state = HealthReport.simState(in: response.lines) else {
            throw .unexpectedResponse(command: "AT+CPIN?", detail: "no +CPIN: line")
        }
        return state
    }

    /// The memories the modem can read messages from (`+CPMS=?`, first list), in its order; those
    /// that hold no received SMS of their own (`MT` is `SM`+`ME` again, `BM` broadcasts, `SR`
    /// status reports) are left out. Empty when the modem does not say.
    private func readableStorages() async -> [String] {
        guard let response = try? await executeWhenSIMReady("AT+CPMS=?") else { return [] }
        return StorageList.readable(from: response.lines)
    }

    /// Chooses the one storage new messages go to (`<mem2>` and `<mem3>`, and `<mem1>` for
    /// reading), preferred first; reports when it is full.
    private func selectStorage() async throws(ModemError) {
        var candidates = [configuration.preferredStorage.uppercased()]
        for fallback in offeredStorages + ["SM", "ME", "MT"] where !candidates.contains(fallback) { candidates.append(fallback) }
        var lastError: ModemError?
        for name in candidates {
            do {
                let response = try await executeWhenSIMReady("AT+CPMS=\"\(name)\",\"\(name)\",\"\(name)\"")
                book.reset(receiveStorage: name)
                book.selected(name)
                // The set form answers `+CPMS: <used1>,<total1>,…`.
                if let fields = response.lines.lazy.compactMap({ ResponseFields.fields(of: $0, prefix: "+CPMS") }).first,
                   fields.count >= 2, let used = Int(fields[0]), let total = Int(fields[1]), total > 0, used >= total {
                    tell(.storageFull(storage: name, used: used, total: total))
                }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? .unexpectedResponse(command: "AT+CPMS", detail: "no storage accepted")
    }

    /// Runs a command, retrying while the SIM is still initialising (`+CMS ERROR: 314`, `+CME ERROR: 14`).
    @discardableResult
    func executeWhenSIMReady(_ text: String) async throws(ModemError) -> ATResponse {
        let deadline = executor.time.now.advanced(by: configuration.simReadyPatience)
        while true {
            do {
                return try await execute(text)
            } catch {
                guard Self.isSIMBusy(error), executor.time.now < deadline else { throw error }
                try? await executor.sleep(for: .milliseconds(500))
            }
        }
    }

    private func executeFirstAccepted(_ commands: [String]) async throws(ModemError) {
        var lastError: ModemError?
        for command in commands {
            do {
                try await executeWhenSIMReady(command)
                return
            } catch {
                if case .command(.commandFailed) = error { lastError = error; continue }
                throw error
            }
        }
        if let lastError { throw lastError }
    }

    static func isSIMBusy(_ error: ModemError) -> Bool {
        guard case .command(.commandFailed(_, let result)) = error else { return false }
        switch result {
        case .cmsError(let code, _): return code == 314 || code == 515 || code == 512
        case .cmeError(let code, _): return code == 14 || code == 515
        default: return false
        }
    }
}

/// `+CPMS=?` — TS 27.005 §3.2.2: `+CPMS: (list of <mem1>s),(list of <mem2>s),(list of <mem3>s)`.
enum StorageList {
    /// Memories that hold received messages of their own.
    static let messageMemories: Set<String> = ["SM", "ME"]

    static func readable(from lines: [String]) -> [String] {
        guard let line = lines.first(where: { $0.trimmingSpaces().uppercased().hasPrefix("+CPMS:") }) else { return [] }
        let body = line.trimmingSpaces().dropFirst("+CPMS:".count)
        // The first parenthesised list; a modem that prints no parentheses gives one flat list.
        let first: Substring
        if let open = body.firstIndex(of: "("), let close = body[open...].firstIndex(of: ")") {
            first = body[body.index(after: open)..<close]
        } else {
            first = body
        }
        var seen: [String] = []
        for field in ResponseFields.split(String(first)) {
            let name = field.uppercased()
            if messageMemories.contains(name), !seen.contains(name) { seen.append(name) }
        }
        return seen
    }
}
