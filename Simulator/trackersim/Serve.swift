import TrackerProfiles
import ArgumentParser
import Dispatch
import Foundation
import Logging
import Simulator

/// `trackersim serve` (and plain `trackersim`): a virtual GSM modem on a pseudo-terminal, with a
/// virtual network of trackers and phones behind it and a JSON-lines control socket.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a virtual GSM modem on a pty, with virtual trackers and phones behind it.",
        discussion: """
            Prints "link: PATH" for each modem and, with --control, "control: PATH" on stdout
            once ready. Stops cleanly on SIGTERM or SIGINT, removing the links and the socket.

            Several modems share one network: give --modem LINK=E164 once per modem, with
            optional ,profile=ec25 and ,pin=NNNN after the number. --link with --number,
            --pin and --profile is the one-modem form (and the first modem when both are
            given). Trackers from --tracker know the first modem's number; use the control
            socket's tracker.add with "authorised" for more.

            Examples:
              trackersim serve --link /tmp/sim/modem --control /tmp/sim/control.sock \\
                  --phone +15550002001 --tracker +15550003001:tk103:123456
              trackersim --link /tmp/sim/modem --profile ec25 --radio-delay-ms 1500
              trackersim --modem /tmp/sim/m1=+15550001111 \\
                  --modem /tmp/sim/m2=+15550001112,profile=ec25 \\
                  --control /tmp/sim/control.sock
            """)

    @Option(help: "Symlink to create to the pty slave of the (first) modem; a stale one is replaced.")
    var link: String?

    @Option(
        name: .customLong("modem"),
        help: ArgumentHelp("A modem: its link, its own number, options (repeatable).", valueName: "LINK=E164[,profile=P][,pin=N]"))
    var modemSpecifications: [String] = []

    @Option(help: "The modem's own number, E.164.")
    var number: String = "+15550001111"

    @Option(help: "SIM PIN the client must enter (none if omitted).")
    var pin: String?

    @Option(help: "Behave like this modem: generic, or ec25 (Quectel EC25/EG25: new messages kept in ME).")
    var profile: String = VirtualModemProfile.generic.rawValue

    @Option(help: "Unix-domain control socket path (JSON lines).")
    var control: String?

    @Option(name: .customLong("radio-delay-ms"), help: "Delay before the network acknowledges each submitted SMS.")
    var radioDelayMilliseconds: Int = 100

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(
        name: .customLong("tracker"),
        help: "Register a tracker: NUMBER:MODEL[:PASSWORD], authorised to the first modem's number (repeatable).")
    var trackers: [String] = []

    @Option(name: .customLong("phone"), help: "Register a phone number (repeatable).")
    var phones: [String] = []

    func validate() throws {
        guard radioDelayMilliseconds >= 0 else { throw ValidationError("--radio-delay-ms must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard VirtualModemProfile(rawValue: profile) != nil else {
            throw ValidationError("unknown --profile \(profile); known: " + VirtualModemProfile.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let modems = try modemList()
        do {
            try SimulationConfiguration(modems: modems).check()
        } catch {
            throw ValidationError("--modem: \(error.detail) (\(error.path))")
        }
        _ = try trackers.map { try parseTracker($0, authorisedTo: number) }
    }

    /// `--link …` (if given) then every `--modem`.
    private func modemList() throws -> [SimulatedModem] {
        var modems: [SimulatedModem] = []
        if let link {
            modems.append(SimulatedModem(linkPath: link, number: number, pin: pin, profile: VirtualModemProfile(rawValue: profile) ?? .generic))
        }
        modems += try modemSpecifications.map(ModemSpecification.parse)
        guard !modems.isEmpty else { throw ValidationError("give --link PATH or at least one --modem LINK=E164") }
        return modems
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let modems = try modemList()
        let configuration = SimulationConfiguration(
            modems: modems, controlPath: control, radioDelay: .milliseconds(radioDelayMilliseconds), logLevel: level,
            phones: phones, trackers: try trackers.map { try parseTracker($0, authorisedTo: modems[0].number) })
        let simulation = Simulation(configuration: configuration)

        // Signals are taken through Dispatch so the handler may do real work (close, unlink).
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler {
                simulation.stop()
                Foundation.exit(0)
            }
            source.resume()
            sources.append(source)
        }

        do {
            try simulation.start()
        } catch {
            FileHandle.standardError.write(Data("trackersim: \(error)\n".utf8))
            throw ExitCode(69)
        }
        // Written straight to fd 1 so a parent reading a pipe sees each line at once.
        var announcement = modems.map { "link: \($0.linkPath)\n" }.joined()
        if let controlPath = simulation.controlPath { announcement += "control: \(controlPath)\n" }
        FileHandle.standardOutput.write(Data(announcement.utf8))
        withExtendedLifetime(sources) { dispatchMain() }
    }

    /// `NUMBER:MODEL[:PASSWORD]` → a tracker at a corpus position, authorised to the first modem.
    private func parseTracker(_ text: String, authorisedTo modemNumber: String) throws -> VirtualTrackerConfiguration {
        let fields = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, let model = TrackerModel(rawValue: fields[1].lowercased()) else {
            throw ValidationError(
                "--tracker \(text): expected NUMBER:MODEL[:PASSWORD] with MODEL one of "
                    + TrackerModel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return VirtualTrackerConfiguration(
            number: fields[0], model: model, password: fields.count > 2 ? fields[2] : nil, authorised: [modemNumber],
            position: TrackerPosition(latitude: 14.632742, longitude: 121.001790))
    }
}
