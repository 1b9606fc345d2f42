import Foundation
import Synchronization

/// What the soak did, line by line with its time and step, in the work directory's events file;
/// the lines that matter most (stops, restarts, crashes) also go to stdout.
final class EventLog: Sendable {
    private let handle: Mutex<FileHandle?>
    private let progress: SendProgress

    init(url: URL, progress: SendProgress) {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = Mutex(FileHandle(forWritingAtPath: url.path))
        self.progress = progress
    }

    func note(_ line: String, show: Bool = false) {
        let stamped = "\(progress.stamp): \(line)"
        handle.withLock { $0?.write(Data((stamped + "\n").utf8)) }
        if show {
            print("   " + stamped)
            fflush(nil)  // all streams: progress shows when piped
        }
    }
}
