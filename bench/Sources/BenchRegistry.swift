import Foundation
import TrackerGateway

/// Fills a registry through the library, as `trackerd customer add` and `tracker add` would:
/// customer `i` has one phone and one tracker, with numbers derived from `i`.
enum BenchRegistry {
    static let gateway = "+15550001111"

    static func phone(_ i: Int) -> String { "+1555" + digits(2_000_000 + i) }
    static func tracker(_ i: Int) -> String { "+1556" + digits(2_000_000 + i) }

    private static func digits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 7 - text.count)) + text
    }

    /// Adds customers `range`; prints progress for big fills.
    static func fill(_ registry: Registry, customers range: Range<Int>, progress: Bool = false) throws {
        try registry.setGatewayOwnNumber(gateway)  // `run --own-number` requires it since registry v4
        let start = ContinuousClock.now
        for i in range {
            let customer = try registry.addCustomer(NewCustomer(
                name: "Customer \(i)", address: "\(i) Bench Street, Springfield", email: "c\(i)@example.org",
                phones: [phone(i)], adultAttested: true))
            _ = try registry.addTracker(NewTracker(customerID: customer, number: tracker(i), model: .tk103, password: "123456", label: "car"))
            if progress, (i + 1) % 10_000 == 0 {
                let elapsed = (ContinuousClock.now - start).seconds
                print(String(format: "   … %d customers in %.1f s", i + 1, elapsed))
                fflush(nil)  // all streams: progress shows when piped
            }
        }
    }
}
