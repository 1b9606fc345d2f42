import ArgumentParser

struct Trackerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackerd",
        abstract: "A privacy-first SMS gateway for vehicle GPS trackers.",
        subcommands: [
            Init.self,
            Customer.self,
            Phone.self,
            Tracker.self,
            Retention.self,
            Audit.self,
            Notify.self,
            PrivacyCheckCommand.self,
            Config.self,
            Ports.self,
            PDU.self,
            Run.self,
            Demo.self,
            Status.self,
        ]
    )
}

@main
enum TrackerdMain {
    static func main() async {
        await Trackerd.main()
    }
}
