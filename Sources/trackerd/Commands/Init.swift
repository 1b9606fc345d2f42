import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd init` — creates the data directory, the master key and the database.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the data directory (0700), a new master key and an empty registry (both 0600).",
            discussion: """
            Prints the data directory. --own-number is the gateway SIM's number: the one \
            trackers report to and phones text; no phone or tracker may have it. \
            --default-region lets later commands take national numbers (0170…).

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

        @Option(name: .customLong("own-number"), help: ArgumentHelp("The gateway SIM's own number; no phone or tracker may have it.", valueName: "E164"))
        var ownNumber: String?

        func run() throws {
            try CLIError.reporting {
                let callingCode = try defaultRegion.map { try CallingCode(parsing: $0) }
                let directory = data.resolvedDataDirectory()
                let registry = try Registry.open(dataDirectory: directory, create: true, masterKeyFile: data.keyFile.map { URL(fileURLWithPath: $0) })
                if let callingCode { try registry.setDefaultCallingCode(callingCode) }
                if let ownNumber { try registry.setGatewayOwnNumber(ownNumber, defaultCallingCode: callingCode) }
                try registry.close()
                print(directory.path)
            }
        }
    }
}
