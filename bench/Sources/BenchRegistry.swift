import Foundation
import Synchronization
import TrackerGateway

/// Fills a registry through the library, as `trackerd customer add` and `tracker add` would:
/// customer `i` has one phone and one tracker, with numbers derived from `i`.
enum BenchRegistry {
    static let gateway = "+15550001111"

    static func phone(_ i: Int) -> String { "+1555" + digits(2_000_000 + i) }
    static func tracker(_ i: Int) -> String { "+1556" + digits(2_000_000 + i) }

    /// `base` (a registry URL) pointed at PostgreSQL schema `schema`, plus a random suffix when
    /// `unique`, so a run never meets another run's rows.
    static func url(_ base: String, schema: String, unique: Bool) -> String {
        let suffix = unique ? "_" + String(UInt32.random(in: 0...UInt32.max), radix: 16) : ""
        return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)\(suffix)"
    }

    private static func digits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 7 - text.count)) + text
    }

    /// Adds customers `range`; prints progress for big fills. With `workers` > 1 the range is
    /// shared out (customer `i` to worker `i % workers`) and each worker adds through a registry
    /// of its own from `open` — for PostgreSQL, where one client's round trips, not the server,
    /// bound the rate; SQLite has one writer, so it fills with one.
    static func fill(_ registry: Registry, customers range: Range<Int>, progress: Bool = false,
                     workers: Int = 1, open: (@Sendable () throws -> Registry)? = nil) throws {
        try registry.setGatewayOwnNumber(gateway)  // `run --own-number` requires it since registry v4
        let start = ContinuousClock.now
        let added = Mutex(0)
        let failure = Mutex<(any Error)?>(nil)
        let count = open == nil ? 1 : max(1, workers)
        let first = Mutex<Registry?>(registry)
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            do {
                let mine = try first.withLock { $0.take() } ?? open!()
                for i in stride(from: range.lowerBound + worker, to: range.upperBound, by: count) {
                    if failure.withLock({ $0 != nil }) { return }
                    let customer = try mine.addCustomer(NewCustomer(
                        name: "Customer \(i)", address: "\(i) Bench Street, Springfield", email: "c\(i)@example.org",
                        phones: [phone(i)], adultAttested: true))
                    _ = try mine.addTracker(NewTracker(customerID: customer, number: tracker(i), model: .tk103, password: "123456", label: "car"))
                    let done = added.withLock { total in total += 1; return total }
                    if progress, done % 10_000 == 0 {
                        let elapsed = (ContinuousClock.now - start).seconds
                        print(String(format: "   … %d customers in %.1f s", done, elapsed))
                        fflush(nil)  // all streams: progress shows when piped
                    }
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
