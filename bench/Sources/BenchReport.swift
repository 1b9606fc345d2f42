import Foundation

/// The compact table: each figure, what was measured, the DESIGN.md target, and whether it is met.
struct BenchReport {
    private var rows: [(figure: String, measured: String, target: String, verdict: String)] = []

    mutating func add(_ figure: String, _ measured: String, target: String, met: Bool?) {
        rows.append((figure, measured, target, met.map { $0 ? "ok" : "MISSED" } ?? ""))
    }

    func printed() -> String {
        let widths = [
            max(6, rows.map(\.figure.count).max() ?? 0),
            max(8, rows.map(\.measured.count).max() ?? 0),
            max(6, rows.map(\.target.count).max() ?? 0),
        ]
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [
            pad("figure", widths[0]) + "  " + pad("measured", widths[1]) + "  " + pad("target", widths[2]) + "  ",
            String(repeating: "-", count: widths.reduce(0, +) + 12),
        ]
        for row in rows {
            lines.append(pad(row.figure, widths[0]) + "  " + pad(row.measured, widths[1]) + "  " + pad(row.target, widths[2]) + "  " + row.verdict)
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ value: Duration?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.3f ms", value.milliseconds)
    }

    static func us(_ value: Duration?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f µs", value.microseconds)
    }

    static func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
}
