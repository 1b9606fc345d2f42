import Foundation

/// Byte searches over files, for the privacy checks.
public enum ByteScan {
    /// Every regular file under `directory`, recursively.
    public static func files(under directory: URL) -> [URL] {
        var found: [URL] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { found.append(url) }
        }
        return found
    }

    /// `(file name, needle)` for every needle found in one of `files`.
    public static func hits(of needles: [String], in files: [URL]) -> [(file: String, needle: String)] {
        var hits: [(String, String)] = []
        for file in files {
            guard let data = try? Data(contentsOf: file) else { continue }
            for needle in needles where !needle.isEmpty && data.range(of: Data(needle.utf8)) != nil {
                hits.append((file.lastPathComponent, needle))
            }
        }
        return hits
    }

    /// What `strings -n 4` prints: runs of at least `minimum` printable ASCII bytes.
    public static func printableRuns(of data: Data, minimum: Int = 4) -> [String] {
        var runs: [String] = []
        var current: [UInt8] = []
        for byte in data {
            if (0x20...0x7E).contains(byte) || byte == 0x09 {
                current.append(byte)
            } else {
                if current.count >= minimum { runs.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            }
        }
        if current.count >= minimum { runs.append(String(decoding: current, as: UTF8.self)) }
        return runs
    }
}
