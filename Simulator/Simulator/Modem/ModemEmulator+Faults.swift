/// Misbehaviour on demand, each the way a real modem shows it.
extension ModemEmulator {
    public mutating func inject(_ fault: ModemFault) -> [Action] {
        trace("fault injected: \(Self.faultName(fault))")
        switch fault {
        case .drop(let delay):
            // A USB stick that resets: the device node vanishes; what was on the SIM stays,
            // messages waiting for +CNMA go back to the network, a send in flight is lost.
            if let pending = awaitingAcknowledgement { scheduleRedelivery(pending.indication) }
            for indication in indicationQueue { scheduleRedelivery(indication) }
            awaitingAcknowledgement = nil
            indicationQueue = []
            isOffline = true
            mode = .command
            append(.dropLink(reopenAfter: delay))
        case .cmsError(let count, let code):
            cmsErrorsLeft = max(0, count)
            cmsErrorCode = code
        case .hang(let duration):
            // Firmware stuck: input is swallowed, nothing comes out, a command in flight never ends.
            isHung = true
            lineBuffer = []
            pduBuffer = []
            mode = .command
            queuedInput = []
            heldURCs = []
            let serial = nextSerial
            nextSerial += 1
            hangTimerSerial = serial
            append(.startTimer(ModemTimer(kind: .hangEnd, serial: serial), after: duration))
        case .garble(let count):
            garbledLinesLeft = max(0, count)
        case .urcNoise(let count):
            noisyResponsesLeft = max(0, count)
        case .storageFull:
            storageFullFault = true
        case .pinLocked:
            let wasRegistered = isRegistered
            sim = .pinRequired(attemptsLeft: 3)
            if wasRegistered { reportRegistration() }
        }
        return takeActions()
    }

    /// Clears the `storageFull` fault (messages can be stored again).
    public mutating func clearStorageFull() -> [Action] {
        storageFullFault = false
        return takeActions()
    }

    static func faultName(_ fault: ModemFault) -> String {
        switch fault {
        case .drop: "drop"
        case .cmsError(let count, let code): "cms-error \(code) ×\(count)"
        case .hang: "hang"
        case .garble(let count): "garble ×\(count)"
        case .urcNoise(let count): "urc-noise ×\(count)"
        case .storageFull: "storage-full"
        case .pinLocked: "pin-locked"
        }
    }
}
