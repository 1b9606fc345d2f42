import Foundation
import TestSupport
import Testing

/// What a newcomer reads first (issue #9.10): help examples that can be copied as they are
/// printed on an 80-column terminal, and a demo that ends with a verdict. These run the built
/// `trackerd` and `trackersim` executables as real processes.
@Suite(.serialized) struct CommandLineHelpTests {
    static let commands: [(String, [String])] = [
        ("trackerd", ["init"]),
        ("trackerd", ["customer", "add"]),
        ("trackerd", ["notify", "amendment"]),
        ("trackerd", ["breach", "notify"]),
        ("trackerd", ["breach", "record"]),
        ("trackerd", ["request", "open"]),
        ("trackerd", ["gateway", "number", "add"]),
        ("trackerd", ["run"]),
        ("trackerd", ["customer", "update"]),
        ("trackerd", ["customer", "export"]),
        ("trackerd", ["tracker", "add"]),
        ("trackerd", ["pdu", "encode"]),
        ("trackersim", []),
        ("trackersim", ["serve"]),
        ("trackersim", ["send"]),
        ("trackersim", ["inbox"]),
        ("trackersim", ["fault"]),
        ("trackersim", ["storage"]),
        ("trackersim", ["stats"]),
        ("trackersim", ["modems"]),
    ]

    /// The lines between "Examples:" and "USAGE:" as rendered.
    static func examples(_ tool: String, _ command: [String]) throws -> [String] {
        let help = try ProcessRunner.run(tool, command + ["--help"], environment: ["COLUMNS": "80"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "Examples:") else { return [] }
        let end = lines[start...].firstIndex { $0.hasPrefix("USAGE:") } ?? lines.endIndex
        return lines[(start + 1)..<end].filter { !$0.isEmpty }
    }

    @Test(arguments: commands)
    func examplesAreWholeCommandsAtEightyColumns(tool: String, command: [String]) throws {
        let lines = try Self.examples(tool, command)
        #expect(!lines.isEmpty, "\(tool) \(command.joined(separator: " ")) --help shows no examples")
        for (index, line) in lines.enumerated() {
            // A wrapped line would start at column 0 (a fragment such as "\" or "--card-last4 4242").
            #expect(line.hasPrefix("  \(tool)") || line.hasPrefix("  TRACKERD_") || line.hasPrefix("      --"), "wrapped: \(line)")
            #expect(line.count <= 80)
            if line.hasPrefix("      --") {
                #expect(index > 0 && lines[index - 1].hasSuffix(" \\"), "a continuation without a backslash before it: \(line)")
            }
        }
    }

    /// `T:yy/MM/dd` as a tk103 prints the date (UTC).
    static func tk103Stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "T:%02d/%02d/%02d", (day.year ?? 0) % 100, day.month ?? 0, day.day ?? 0)
    }

    @Test func demoEndsWithAVerdictAndPrintsToday() throws {
        let before = Self.tk103Stamp(Date())
        let result = try ProcessRunner.run("trackerd", ["demo", "--radio-delay-ms", "0"])
        let after = Self.tk103Stamp(Date())
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last?.hasPrefix("demo passed: ") == true)
        #expect(lines.contains { $0.contains("gateway's own number") && $0.contains("+15550001111") })
        // Step 4's report is the tracker's own, stamped now (a run may straddle midnight).
        let step4 = try #require(lines.firstIndex { $0.hasPrefix("4. ") })
        #expect(lines[step4...].contains { $0.contains(before) || $0.contains(after) }, "step 4 shows no report stamped \(before)")
    }
}
