import ArgumentParser

struct Trackerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackerd",
        abstract: "A privacy-first SMS gateway for vehicle GPS trackers.",
        subcommands: [
            Ports.self,
            PDU.self,
        ]
    )
}

@main
enum TrackerdMain {
    static func main() async {
        await Trackerd.main()
    }
}
