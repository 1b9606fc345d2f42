import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh private directory directly under /tmp (short, so Unix socket paths stay far below
/// their 108-byte limit), removed with everything in it when the last reference goes.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String = "trackerd-test") throws {
        url = try Self.make(prefix: prefix)
    }

    /// The data directory a test hands to `Registry.open(dataDirectory:create:)`: a child, so init creates it.
    public var dataDirectory: URL { url.appendingPathComponent("data", isDirectory: true) }

    /// `name` inside the directory.
    public func appending(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Makes a new directory that nobody removes: the caller owns it.
    public static func make(prefix: String) throws -> URL {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: errno \(errno)")
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }
}

/// Something a test's set-up could not do; the message says what.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
