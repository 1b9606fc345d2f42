import ATModem
import Foundation
import Logging
import ServiceLifecycle
import TrackerGateway

/// Keeps a modem connected and feeds what it receives to the relay.
///
/// Opens the device (transport chosen by path), runs start-up, sweeps storage, then relays each
/// new message. A health probe runs once a minute (no polling in between: messages arrive as
/// URCs); an unplug, a hang or garbage closes the modem, and it is re-opened with back-off and
/// storage swept again. On shutdown it stops taking new messages and closes the modem; whatever
/// was not relayed stays in storage (invariant 2).
struct ModemService: Service {
    let configuration: DaemonConfiguration
    let link: ModemLink
    let relay: Relay<ContinuousClock>
    let status: StatusBoard
    let logger: Logger

    func run() async throws {
        var backoff = configuration.reopenBackoffFirst
        var firstOpen = true
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if !firstOpen {
                    await status.update { $0.modemState = .reopening; $0.reopens += 1 }
                }
                firstOpen = false
                let connectedCleanly = await runOneConnection()
                await link.attach(nil)
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                if connectedCleanly { backoff = configuration.reopenBackoffFirst }
                logger.notice("modem away; re-opening", metadata: ["inMilliseconds": "\(backoff.milliseconds)"])
                // Graceful shutdown does not cancel this task: without this, SIGTERM waited out
                // the back-off (up to a minute) while the modem was away.
                let pause = backoff
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                backoff = min(backoff * 2, configuration.reopenBackoffMaximum)
            }
        } onGracefulShutdown: {
            Task { await link.current?.close() }
        }
        await relay.shutdown()
        await status.update { $0.modemState = .stopped }
    }

    /// One connection from open to loss; true when it got as far as ready.
    private func runOneConnection() async -> Bool {
        let modem: Modem<ContinuousClock>
        do {
            let transport = try Transports.open(path: configuration.devicePath, settings: configuration.serial)
            modem = Modem(transport: transport, configuration: configuration.modem, clock: ContinuousClock())
        } catch {
            await report(error, while: "open")
            return false
        }
        do {
            try await modem.start()
            let identity = try? await modem.identity()
            await status.update {
                $0.modemState = .ready
                $0.modemManufacturer = identity?.manufacturer
                $0.modemModel = identity?.model
            }
            await refreshRadio(modem)
            await link.attach(modem)
            logger.info("modem ready", metadata: ["device": "\(configuration.devicePath)", "receive": "\(configuration.modem.receiveMode.rawValue)"])
        } catch {
            await report(error, while: "start-up")
            await modem.close()
            return false
        }

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watchEvents(of: modem) }
            group.addTask { await countStatusReports(of: modem) }
            group.addTask { await probeHealth(of: modem) }
            group.addTask {
                // What arrived while we were away, or before a crash, is relayed first.
                do {
                    let taken = try await modem.processStored()
                    logger.info("storage swept", metadata: ["messages": "\(taken)"])
                } catch {
                    await report(error, while: "storage sweep")
                    await modem.close()
                }
            }
            // The incoming stream ends when the modem closes (unplug, failed probe, shutdown).
            await relayIncoming(from: modem)
            await modem.close()
            group.cancelAll()
        }
        return true
    }

    private func relayIncoming(from modem: Modem<ContinuousClock>) async {
        for await sms in modem.incoming {
            if Task.isShuttingDownGracefully { break }
            guard let text = sms.text else {
                // 8-bit data is not a tracker text report; it is dropped and freed, never relayed as text.
                logger.notice("binary message dropped", metadata: ["parts": "\(sms.partCount)"])
                await status.update { $0.binaryDropped += 1 }
                try? await modem.delete(indices: sms.storageIndices)
                continue
            }
            await relay.handle(IncomingMessage(
                sender: sms.sender.description,
                text: text,
                isUCS2: sms.alphabet == .ucs2,
                timestamp: sms.timestamp.date,
                concatenationReference: sms.concatenationReference,
                partCount: sms.partCount,
                storageIndices: sms.storageIndices
            ))
        }
    }

    private func watchEvents(of modem: Modem<ContinuousClock>) async {
        for await event in modem.events {
            switch event {
            case .registration(let registration):
                logger.info("network registration", metadata: ["state": "\(registration.name)"])
                await status.update { $0.registration = registration.name }
            case .storageFull(let storage, let used, let total):
                logger.critical("ALARM: modem storage full; the network will hold new messages", metadata: ["storage": "\(storage)", "used": "\(used)", "total": "\(total)"])
                await status.update { $0.storageFull = true; $0.storageUsed = used; $0.storageTotal = total }
            case .undecodable(let index, let error):
                // A PDU we cannot read cannot be relayed; freed so it cannot fill the SIM. Field and offset only.
                logger.warning("undecodable message deleted", metadata: ["field": "\(error.field)", "offset": "\(error.offset)"])
                await status.update { $0.undecodableDeleted += 1 }
                if let index { try? await modem.delete(index: index) }
            case .partsExpired(let count):
                logger.notice("incomplete concatenated message given up", metadata: ["parts": "\(count)"])
            case .unsolicited:
                continue
            case .closed(let error):
                if Task.isShuttingDownGracefully {
                    logger.info("modem closed for shutdown")
                } else {
                    await report(error, while: "read")
                }
            }
        }
    }

    private func countStatusReports(of modem: Modem<ContinuousClock>) async {
        for await _ in modem.statusReports {
            await status.update { $0.statusReports += 1 }
        }
    }

    private func probeHealth(of modem: Modem<ContinuousClock>) async {
        var failures = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.healthProbeInterval) } catch { return }
            await status.update { $0.healthProbes += 1 }
            if await modem.isResponsive() {
                failures = 0
                guard await modem.isSIMReady() else {
                    // Only start-up (re-)enters the PIN: re-open at once rather than fail every send.
                    logger.warning("SIM asks for its PIN again; re-opening the modem")
                    await status.update { $0.lastError = "SIM locked"; $0.lastErrorAt = Date() }
                    await modem.close()
                    return
                }
                await refreshRadio(modem)
                await sweepMissed(modem)
            } else {
                failures += 1
                logger.warning("modem did not answer the health probe", metadata: ["failures": "\(failures)"])
                if failures >= configuration.healthProbeFailuresBeforeReopen {
                    await status.update { $0.lastError = "modem stopped answering"; $0.lastErrorAt = Date() }
                    await modem.close()
                    return
                }
            }
        }
    }

    /// Relays what is in storage but was never handed out: a `+CMTI` lost to line noise or a
    /// hang, a read or a delete the modem refused. One `+CMGL` per probe, no polling in between.
    private func sweepMissed(_ modem: Modem<ContinuousClock>) async {
        do {
            let taken = try await modem.processStored()
            if taken > 0 { logger.notice("storage sweep found messages", metadata: ["messages": "\(taken)"]) }
        } catch {
            logger.warning("storage sweep failed", metadata: ["error": "\(error)"])
        }
    }

    private func refreshRadio(_ modem: Modem<ContinuousClock>) async {
        let signal = try? await modem.signalQuality()
        let registration = try? await modem.registration()
        let storage = try? await modem.storageStatus()
        await status.update {
            if let signal { $0.signalRSSI = signal.rssi; $0.signalDBm = signal.dBm }
            if let registration { $0.registration = registration.name }
            if let storage {
                $0.storageUsed = storage.used
                $0.storageTotal = storage.total
                $0.storageFull = storage.isFull
            }
        }
        if let storage, storage.isFull {
            logger.critical("ALARM: modem storage full", metadata: ["used": "\(storage.used)", "total": "\(storage.total)"])
        }
    }

    private func report(_ error: any Error, while activity: String) async {
        let description = "\(activity): \(error)"
        logger.error("modem \(activity) failed", metadata: ["error": "\(error)"])
        await status.recordError(description)
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
