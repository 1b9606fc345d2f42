import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd init` — creates the data directory, the master key and the database.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
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

            With --registry postgres://… the registry is a shared PostgreSQL database and the data \
            directory holds only the master key: the first gateway's init creates the schema and \
            the key; every further gateway runs init --join with a copy of that key (placed in its \
            data directory, or given with --key-file, which init copies there) and is refused when \
            the key does not match the registry. init without --join on a registry that is \
            already initialised is refused.

            Examples:
              trackerd init --own-number +4917000000001
              trackerd init --data-dir /srv/trackerd \\
                  --own-number +4917000000001 --default-region 49
              TRACKERD_DATA_DIR=/tmp/sim/data trackerd init \\
                  --own-number +15550001111
              trackerd init --own-number +4917000000001 \\
                  --registry postgres://trackerd@db1/trackerd?sslmode=require
              trackerd init --join --key-file /root/master.key \\
                  --registry postgres://trackerd@db1/trackerd \\
                  --own-number +4917000000002
            """)

        @OptionGroup var data: DataDirectoryOptions

        @Option(name: .customLong("default-region"), help: ArgumentHelp("Calling code for national numbers such as 0170… (e.g. 49).", valueName: "code"))
        var defaultRegion: String?

        @Option(name: .customLong("own-number"), help: ArgumentHelp("The gateway SIM's number, its first gateway number; no phone or tracker may have it.", valueName: "E164"))
        var ownNumber: String?

        @Flag(help: "Join a PostgreSQL registry another gateway initialised, with a copy of its master key.")
        var join = false

        func run() throws {
            try CLIError.reporting {
                let callingCode = try defaultRegion.map { try CallingCode(parsing: $0) }
                let directory = data.resolvedDataDirectory()
                let keyFile = data.keyFile.map { URL(fileURLWithPath: $0) }
                let initialised: (registry: Registry, report: Registry.Initialisation)
                switch try data.resolvedRegistry() {
                case .sqlite:
                    guard !join else { throw GatewayError.usage("--join joins a shared registry: give --registry postgres://USER@HOST/DB") }
                    initialised = try Registry.initialise(dataDirectory: directory, masterKeyFile: keyFile, defaultCallingCode: callingCode, gatewayNumber: ownNumber)
                case .postgres(let url):
                    initialised = try Registry.initialise(dataDirectory: directory, registry: url, join: join, masterKeyFile: keyFile,
                                                          defaultCallingCode: callingCode, gatewayNumber: ownNumber)
                }
                let (registry, report) = initialised
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
