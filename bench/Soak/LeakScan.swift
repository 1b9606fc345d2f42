import Foundation
import TestSupport

/// DESIGN.md invariants 1, 4 and 6 after a soak: no report's body in the daemon's log or in the
/// data directory's files, no full number in the log, no customer's number in a data file in
/// clear, and no PDU-shaped hex run in the log.
///
/// A body is found by its coordinates: every `digits.dddddd` token of a file is collected in one
/// pass and matched against the reports' latitudes and longitudes (each unique to its report), so
/// the scan costs one read per file however many reports there were.
struct LeakScan: Sendable {
    /// Reports whose coordinate is in the log / in a data-directory file.
    var reportsInLog: [Int] = []
    var reportsInData: [Int] = []
    /// Full numbers (with or without `+`) in the log / the data directory: file and number.
    var numbersInLog: [String] = []
    var numbersInData: [String] = []
    /// Runs of 40 or more hex digits in the log: what a PDU (and so a body) looks like.
    var hexRunsInLog = 0
    var logBytes = 0
    var dataFiles = 0

    var clean: Bool {
        reportsInLog.isEmpty && reportsInData.isEmpty && numbersInLog.isEmpty && numbersInData.isEmpty && hexRunsInLog == 0
    }

    init(plan: SoakPlan, log: URL, data: URL) {
        var coordinates: [String: Int] = [:]
        for report in plan.reports {
            for coordinate in report.body.coordinates { coordinates[coordinate] = report.index }
        }
        let numbers = plan.cast.allNumbers.flatMap { [$0, String($0.dropFirst())] }
        let subscriberNumbers = plan.cast.subscriberNumbers.flatMap { [$0, String($0.dropFirst())] }
        let logData = (try? Data(contentsOf: log)) ?? Data()
        logBytes = logData.count
        reportsInLog = Self.tokens(in: logData).compactMap { coordinates[$0] }.sorted()
        numbersInLog = ByteScan.hits(of: numbers, in: [log]).map(\.needle)
        hexRunsInLog = Self.hexRuns(in: logData, minimum: 40)
        let files = ByteScan.files(under: data)
        dataFiles = files.count
        var inData = Set<Int>()
        for file in files {
            guard let bytes = try? Data(contentsOf: file) else { continue }
            for token in Self.tokens(in: bytes) { if let report = coordinates[token] { inData.insert(report) } }
        }
        reportsInData = inData.sorted()
        numbersInData = ByteScan.hits(of: subscriberNumbers, in: files).map { "\($0.file): \($0.needle)" }
    }

    /// Every `digits.dddddd` token (one or more digits, a dot, exactly six digits).
    static func tokens(in data: Data) -> Set<String> {
        var found = Set<String>()
        let bytes = [UInt8](data)
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x2E, i > 0, isDigit(bytes[i - 1]) else {
                i += 1
                continue
            }
            var start = i - 1
            while start > 0, isDigit(bytes[start - 1]) { start -= 1 }
            var end = i + 1
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            if end - i - 1 == 6 { found.insert(String(decoding: bytes[start..<end], as: UTF8.self)) }
            i = end
        }
        return found
    }

    static func hexRuns(in data: Data, minimum: Int) -> Int {
        var runs = 0
        var length = 0
        for byte in data {
            let hex = (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
            if hex {
                length += 1
            } else {
                if length >= minimum { runs += 1 }
                length = 0
            }
        }
        return runs + (length >= minimum ? 1 : 0)
    }

    var verdict: String {
        if clean {
            return "clean: no body, coordinate, full number or PDU in \(logBytes) log bytes and \(dataFiles) data files"
        }
        var parts: [String] = []
        if !reportsInLog.isEmpty { parts.append("\(reportsInLog.count) reports' coordinates in the log (first: report \(reportsInLog[0]))") }
        if !reportsInData.isEmpty { parts.append("\(reportsInData.count) reports' coordinates in the data directory") }
        if !numbersInLog.isEmpty { parts.append("full numbers in the log: \(Set(numbersInLog).sorted().joined(separator: " "))") }
        if !numbersInData.isEmpty { parts.append("full numbers in data files: \(numbersInData.joined(separator: ", "))") }
        if hexRunsInLog > 0 { parts.append("\(hexRunsInLog) PDU-shaped hex runs in the log") }
        return "LEAK: " + parts.joined(separator: "; ")
    }
}
