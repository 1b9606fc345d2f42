import ATModem
import Foundation
import Logging
import TrackerGateway

/// Keeps one modem connected and feeds what it receives to the relay, on the modem's own thread.
///
/// An actor whose executor is the modem's `ModemExecutor`: the connection loop, the health
/// probe's timers, the status and the `ModemDelegate` callbacks all run on that one thread, so
/// nothing here is shared with another thread but through the relay's lock. It opens the device
/// (transport chosen by path), runs start-up, sweeps every storage, then relays each new
/// message. An unplug, a hang, garbage or a SIM that asks for its PIN again closes the modem; it
/// is re-opened with back-off and its storage swept again. On shutdown it stops taking new
/// messages and closes the modem; what was not relayed stays in storage (invariant 2).
public actor ModemService {
    public nonisolated let setup: ModemSetup
    public nonisolated let executor: ModemExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let configuration: DaemonConfiguration
    let relay: Relay
    /// This modem's place in the pool, and the pool its sends are routed through.
    public nonisolated let index: Int
    let pool: ModemPool
    let logger: Logger
    var status: ModemSnapshot
    var modem: Modem?
    var isShuttingDown = false
    /// Resumed when the connection ends (the modem closed) or shutdown wants the loop to look.
    private var wake: CheckedContinuation<Void, Never>?
    private var probeTimer: TimerQueue<@Sendable () -> Void>.Handle?
    private var probeFailures = 0
    private var waitingForDeviceSaid = false
    /// The daemon's crash journal, and this modem's entry in it while a message is being handled.
    let journal: CrashJournal?
    let fingerprint: @Sendable (String) -> Data
    var journalEntry: Int?
    /// Debug builds only, `TRACKERD_TEST_HOOKS=1` with `TRACKERD_TEST_CRASH_ON=TEXT`: a message
    /// containing TEXT traps (the crash-loop test). No message alone can turn it on.
    let testCrashOn: String?

    init(setup: ModemSetup, index: Int, pool: ModemPool, executor: ModemExecutor, configuration: DaemonConfiguration, relay: Relay,
         journal: CrashJournal?, fingerprint: @escaping @Sendable (String) -> Data, logger: Logger) {
        self.journal = journal
        self.fingerprint = fingerprint
        let environment = ProcessInfo.processInfo.environment
        #if DEBUG
        testCrashOn = environment["TRACKERD_TEST_HOOKS"] == "1" ? environment["TRACKERD_TEST_CRASH_ON"].flatMap { $0.isEmpty ? nil : $0 } : nil
        #else
        // A release build (what make install and make deb ship) has no poison hook at all.
        testCrashOn = nil
        #endif
        self.setup = setup
        self.index = index
        self.pool = pool
        self.configuration = configuration
        self.relay = relay
        var logger = logger
        logger[metadataKey: "modem"] = "\(NumberMask.mask(setup.number))"
        self.logger = logger
        self.executor = executor
        status = ModemSnapshot(device: setup.device, number: NumberMask.mask(setup.number), receiveMode: setup.modem.receiveMode.rawValue)
    }

    /// The modem's status now.
    public var snapshot: ModemSnapshot { status }

    /// No command on its way to or from the modem now (tests that move time wait for this).
    public var isQuiet: Bool {
        get async { await modem?.isIdle ?? true }
    }

    /// Whether relays may go out of this modem now.
    public var isReady: Bool { status.state == .ready && modem != nil }

    /// Runs until `shutdown()`: one connection after another.
    public func run() async {
        var backoff = configuration.reopenBackoffFirst
        var first = true
        while !isShuttingDown {
            if !first {
                status.state = .reopening
                status.reopens += 1
            }
            first = false
            let reachedReady = await runOneConnection()
            modem = nil
            pool.setReady(index, false)
            cancelProbe()
            if isShuttingDown { break }
            if reachedReady { backoff = configuration.reopenBackoffFirst }
            logger.notice("modem away; re-opening", metadata: ["inMilliseconds": "\(backoff.milliseconds)"])
            await pause(backoff)
            backoff = min(backoff * 2, configuration.reopenBackoffMaximum)
        }
        status.state = .stopped
    }

    /// Stops taking messages, closes the modem, and lets `run()` return.
    public func shutdown() async {
        isShuttingDown = true
        pool.setReady(index, false)
        cancelProbe()
        if let modem { await modem.close() }
        resumeWake()
    }

    // MARK: - One connection

    /// From open to loss; true when it got as far as ready.
    private func runOneConnection() async -> Bool {
        let transport: any Transport
        do {
            transport = try Transports.open(path: setup.device, settings: setup.serial)
        } catch {
            reportMissingDevice(error)
            return false
        }
        waitingForDeviceSaid = false
        let modem = Modem(transport: transport, configuration: setup.modem, executor: executor, delegate: self)
        self.modem = modem
        do {
            try await modem.start()
            let identity = try? await modem.identity()
            status.manufacturer = identity?.manufacturer
            status.model = identity?.model
            if let report = try? await modem.probeHealth() { record(report) }
        } catch {
            report(error, while: "start-up")
            await modem.close()
            return false
        }
        guard !isShuttingDown else {
            await modem.close()
            return false
        }
        status.state = .ready
        pool.setReady(index, true)
        logger.info("modem ready", metadata: ["device": "\(setup.device)", "receive": "\(setup.modem.receiveMode.rawValue)"])
        // What arrived while we were away, or before a crash, in every memory the modem offers.
        do {
            let taken = try await modem.sweepStorage(allMemories: true)
            logger.info("storage swept", metadata: ["messages": "\(taken)"])
        } catch {
            report(error, while: "storage sweep")
            await modem.close()
        }
        probeFailures = 0
        scheduleProbe(after: configuration.healthProbeInterval)
        if await !modem.isClosed {
            await withCheckedContinuation { wake = $0 }
        }
        return true
    }

    /// The delegate heard the modem close: the connection loop goes on.
    func connectionEnded(_ error: TransportError) {
        if isShuttingDown {
            logger.info("modem closed for shutdown")
        } else if status.state == .ready {
            report(error, while: "read")
        }
        cancelProbe()
        resumeWake()
    }

    private func resumeWake() {
        let continuation = wake
        wake = nil
        continuation?.resume()
    }

    /// Sleeps on the modem thread's timer; shutdown ends it early.
    private func pause(_ duration: Duration) async {
        let handle = executor.schedule(after: duration) { [weak self] in
            self?.assumeIsolated { $0.resumeWake() }
        }
        if !isShuttingDown { await withCheckedContinuation { wake = $0 } }
        executor.cancel(handle)
    }

    // MARK: - Health

    private func scheduleProbe(after delay: Duration) {
        cancelProbe()
        probeTimer = executor.schedule(after: delay) { [weak self] in
            guard let self else { return }
            Task(executorPreference: self.executor) { await self.probe() }
        }
    }

    private func cancelProbe() {
        if let probeTimer { executor.cancel(probeTimer) }
        probeTimer = nil
    }

    /// One health probe — one command line (`HealthReport.command`): the SIM, signal,
    /// registration and storage. A message storage holds but nobody heard of is swept up; a SIM
    /// that wants its PIN again or two failed probes in a row re-open the modem.
    private func probe() async {
        probeTimer = nil
        guard let modem, !isShuttingDown else { return }
        status.healthProbes += 1
        do {
            let report = try await modem.probeHealth()
            probeFailures = 0
            pool.probeSucceeded(index)
            record(report)
            if let state = report.simState, state != "READY" {
                // Only start-up (re-)enters the PIN: re-open at once rather than fail every send.
                logger.warning("SIM asks for its PIN again; re-opening the modem")
                noteError("SIM locked")
                await modem.close()
                return
            }
            if let storage = report.storage, await modem.storageHoldsUnknownMessages(storage) {
                let taken = (try? await modem.sweepStorage(allMemories: false)) ?? 0
                if taken > 0 { logger.notice("storage sweep found messages", metadata: ["messages": "\(taken)"]) }
            }
            scheduleProbe(after: configuration.healthProbeInterval)
        } catch {
            probeFailures += 1
            logger.warning("modem did not answer the health probe", metadata: ["failures": "\(probeFailures)"])
            if probeFailures >= configuration.healthProbeFailuresBeforeReopen {
                noteError("modem stopped answering")
                await modem.close()
            } else {
                scheduleProbe(after: configuration.healthProbeRetry)
            }
        }
    }

    func record(_ report: HealthReport) {
        if let signal = report.signal {
            status.signalRSSI = signal.rssi
            status.signalDBm = signal.dBm
        }
        if let registration = report.registration {
            if status.registration != nil, status.registration != registration.name, !registration.isRegistered {
                logger.warning("modem lost its network registration", metadata: ["state": "\(registration.name)"])
            }
            status.registration = registration.name
            pool.setRegistered(index, registration.isRegistered)
        }
        if let storage = report.storage {
            status.storage = storage.storage
            status.storageUsed = storage.used
            status.storageTotal = storage.total
            status.storageFull = storage.isFull
        }
    }

    // MARK: - Errors

    private func reportMissingDevice(_ error: TransportError) {
        switch error.kind {
        case .notFound, .busy, .permissionDenied:
            status.state = .waitingForDevice
            noteError("open: \(error)")
            if !waitingForDeviceSaid {
                waitingForDeviceSaid = true
                logger.error("modem device not usable; waiting for it (a modem plugged in later is taken up)", metadata: ["error": "\(error)"])
            }
        default:
            report(error, while: "open")
        }
    }

    func report(_ error: any Error, while activity: String) {
        logger.error("modem \(activity) failed", metadata: ["error": "\(error)"])
        noteError("\(activity): \(error)")
    }

    func noteError(_ description: String) {
        status.lastError = description
        status.lastErrorAt = Date()
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
