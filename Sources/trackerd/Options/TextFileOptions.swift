import ArgumentParser
import Foundation

/// `--text FILE`: a notice's text, read from a file (UTF-8, not empty, at most 1,000 characters).
struct TextFileOptions: ParsableArguments {
    @Option(name: .customLong("text"), help: ArgumentHelp("File holding the notice's text (UTF-8).", valueName: "file"))
    var textFile: String

    static let maximumCharacters = 1_000

    func read() throws -> String {
        guard let data = FileManager.default.contents(atPath: textFile) else {
            throw CommandFailure(exitCode: FileManager.default.fileExists(atPath: textFile) ? .permission : .noInput,
                                 message: "--text: cannot read \(textFile)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(exitCode: .dataError, message: "--text: \(textFile) is not UTF-8")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CommandFailure(exitCode: .dataError, message: "--text: \(textFile) is empty") }
        guard trimmed.count <= Self.maximumCharacters else {
            throw CommandFailure(exitCode: .dataError, message: "--text: longer than \(Self.maximumCharacters) characters")
        }
        return trimmed
    }
}
