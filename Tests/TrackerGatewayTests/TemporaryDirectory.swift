import Foundation

/// A fresh private directory for one test, removed when the test lets go of it.
final class TemporaryDirectory {
    let url: URL

    init() {
        var template = Array((NSTemporaryDirectory() + "/trackerd-test-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let result = mkdtemp(buffer.baseAddress!) else { fatalError("mkdtemp failed: \(errno)") }
            return String(cString: result)
        }
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The data directory a test hands to ``Registry/open(dataDirectory:create:)``: a child, so init creates it.
    var dataDirectory: URL { url.appendingPathComponent("data", isDirectory: true) }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
