import Foundation
import Logging
import Simulator
import TrackerGateway

/// Figure 7: a pool of N modems at a realistic radio delay (each `+CMGS` takes the network
/// `--pool-radio-delay-ms`, 1,500 by default): sustained relays a minute with 1, 2 and 4 modems.
/// DESIGN.md: the pool must scale to ≥ 0.9 × N times one modem's rate.
///
/// Trackers report to one modem each (round robin), faster than the pool can send, so every
/// modem always has work; the rate counts the relays that reached the phones in a window after a
/// warm-up, so start-up and the queue's filling are not in it.
struct PoolBench {
    let options: BenchOptions
    let workspace: URL

    struct Figure {
        var modems: Int
        var relaysPerMinute: Double
        var window: Duration
    }

    func run() async throws -> [Figure] {
        var figures: [Figure] = []
        for count in options.poolModems {
            figures.append(try await measure(modems: count))
            let last = figures[figures.count - 1]
            print(String(format: "   %d modem%@: %.1f relays/min over %.0f s", count, count == 1 ? "" : "s", last.relaysPerMinute, last.window.seconds))
            fflush(nil)
        }
        return figures
    }

    private func measure(modems count: Int) async throws -> Figure {
        let numbers = (0..<count).map { "+1555000\(String(format: "%04d", 1111 + $0))" }
        let pairs = count * 4
        let dataDirectory = workspace.appendingPathComponent("data-pool-\(count)", isDirectory: true)
        let registry = try Registry.open(dataDirectory: dataDirectory, create: true)
        try BenchRegistry.fill(registry, customers: 0..<pairs)
        for number in numbers.dropFirst() { _ = try registry.addGatewayNumber(number) }
        try registry.close()

        let links = (0..<count).map { workspace.appendingPathComponent("pool-\(count)-\($0).tty").path }
        let simulation = Simulation(configuration: SimulationConfiguration(
            modems: zip(links, numbers).map { SimulatedModem(linkPath: $0, number: $1) },
            radioDelay: .milliseconds(options.poolRadioDelayMilliseconds), logLevel: .critical,
            phones: (0..<pairs).map(BenchRegistry.phone)))
        try simulation.start()
        defer { simulation.stop() }
        let daemon = try DaemonProcess(
            executable: options.trackerd, dataDirectory: dataDirectory, modems: Array(zip(links, numbers)),
            receive: "storage", logLevel: options.logLevel, logPath: workspace.appendingPathComponent("trackerd-pool-\(count).log").path)
        defer { daemon.stop() }
        try await waitUntilReady(simulation: simulation, daemon: daemon, modems: count)

        // Keep each modem's queue full: reports arrive twice as fast as one modem can send them.
        let perModemInterval = Duration.milliseconds(options.poolRadioDelayMilliseconds / 2)
        let sender = Task {
            var sequence = 0
            while !Task.isCancelled {
                for pair in 0..<pairs {
                    sequence += 1
                    try? simulation.send(from: BenchRegistry.tracker(pair), text: "lat:52.520008 long:13.404954 pool seq:\(sequence)", to: numbers[pair % count])
                }
                try? await Task.sleep(for: perModemInterval * 4)
            }
        }
        defer { sender.cancel() }
        func delivered() -> Int { (0..<pairs).reduce(0) { $0 + (simulation.inbox(of: BenchRegistry.phone($1))?.count ?? 0) } }
        try await Task.sleep(for: .seconds(options.poolWarmUpSeconds))
        let before = delivered()
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(options.poolSeconds))
        let window = ContinuousClock.now - start
        let relays = delivered() - before
        guard daemon.isRunning else { throw BenchFailure("the pool daemon exited; log:\n\(daemon.logTail())") }
        return Figure(modems: count, relaysPerMinute: Double(relays) * 60 / window.seconds, window: window)
    }

    private func waitUntilReady(simulation: Simulation, daemon: DaemonProcess, modems: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if simulation.modems.allSatisfy({ $0.commandLinesAnswered >= 8 }) { return }
            guard daemon.isRunning else { throw BenchFailure("the pool daemon exited; log:\n\(daemon.logTail())") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure("the pool's \(modems) modems did not all start within 60 s; log:\n\(daemon.logTail())")
    }
}
