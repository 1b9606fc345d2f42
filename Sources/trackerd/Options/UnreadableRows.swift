import ArgumentParser
import Foundation
import TrackerGateway

/// How the list commands end when some rows could not be read (issue #9.3): every readable row is
/// printed first, then each unreadable one is named on stderr (no PII), and the exit code is 65.
enum UnreadableRows {
    static func report(_ rows: [UnreadableRow]) throws {
        guard !rows.isEmpty else { return }
        for row in rows {
            FileHandle.standardError.write(Data("trackerd: \(row)\n".utf8))
        }
        throw ExitCode(SysExit.dataError.rawValue)
    }
}
