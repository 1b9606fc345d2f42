import Foundation

/// Polls `condition` until it holds or the deadline passes; the deadline bounds a failing test,
/// the condition (never the elapsed time) decides a passing one.
public func poll(timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// The same for code that cannot await (clean-up paths, plain threads).
public func pollBlocking(timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
    }
}
