import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd init` — creates the data directory, the master key and the database.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the data directory (0700), a new master key and an empty registry (both 0600).",
            discussion: """
            The key and the database are each written whole or not at all: on a full disk init \
            exits 74 and leaves nothing half-made, and running init again finishes what a failed \
            or interrupted init left. A directory that holds a key and a database is refused as \
            already initialised. An existing directory whose mode gives group or others any access \
            is tightened to 0700, and init says so. --own-number is the gateway SIM's number, the \
            first gateway number: trackers report to it and phones text it; no phone or tracker \
            may have it (more with `trackerd gateway number add`). --default-region lets later \
            commands take national numbers (0170…).

            Examples:
              trackerd init --own-number +4917000000001
              trackerd init --data-dir /srv/trackerd \\
                  --own-number +4917000000001 --default-region 49
              TRACKERD_DATA_DIR=/tmp/sim/data trackerd init \\
                  --own-number +15550001111
            """)

        @OptionGroup var data: DataDirectoryOptions

        @Option(name: .customLong("default-region"), help: ArgumentHelp("Calling code for national numbers such as 0170… (e.g. 49).", valueName: "code"))
        var defaultRegion: String?

        @Option(name: .customLong("own-number"), help: ArgumentHelp("The gateway SIM's number, its first gateway number; no phone or tracker may have it.", valueName: "E164"))
        var ownNumber: String?

        func run() throws {
            try CLIError.reporting {
                let callingCode = try defaultRegion.map { try CallingCode(parsing: $0) }
                let directory = data.resolvedDataDirectory()
                let (registry, report) = try Registry.initialise(dataDirectory: directory, masterKeyFile: data.keyFile.map { URL(fileURLWithPath: $0) },
                                                                 defaultCallingCode: callingCode, gatewayNumber: ownNumber)
                try registry.close()
                if let mode = report.tightenedDirectoryMode {
                    Self.note("changed mode of \(directory.path) from \(GatewayError.octal(mode)) to 0700")
                }
                if report.finishedEarlierInit {
                    Self.note("finished what an earlier, unfinished init left in \(directory.path)")
                }
                print(directory.path)
            }
        }

        private static func note(_ line: String) {
            FileHandle.standardError.write(Data("trackerd: \(line)\n".utf8))
        }
    }
}
