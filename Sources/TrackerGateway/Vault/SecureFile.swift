#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file operations that keep secrets private: create with mode 0600, refuse what others can read.
///
/// DESIGN.md "Data" — trackerd refuses a key or database that group or others can read.
public enum SecureFile {
    /// Permission bits that must be clear on a secret file (any group or other access).
    public static let forbiddenFileBits: mode_t = 0o077
    /// Permission bits that must be clear on the data directory: nobody else may add, remove or swap
    /// files in it. (Listing it shows only file names, and init creates it 0700 anyway.)
    public static let forbiddenDirectoryBits: mode_t = 0o022

    /// The `st_mode` of `path`, or nil when it does not exist.
    public static func mode(of path: String) throws -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw GatewayError.io(path: path, operation: "stat", errno: errno)
        }
        return info.st_mode
    }

    /// Throws ``GatewayError/insecurePermissions(path:mode:)`` when group or others have any access,
    /// and refuses a symbolic link (it could point anywhere).
    public static func requirePrivate(_ path: String, isDirectory: Bool = false) throws {
        guard let mode = try mode(of: path) else {
            throw GatewayError.notInitialised(path: path)
        }
        let expectedType: mode_t = isDirectory ? S_IFDIR : S_IFREG
        guard mode & S_IFMT == expectedType else {
            throw GatewayError.corruptData(path: path, reason: isDirectory ? "is not a directory" : "is not a regular file")
        }
        let forbidden = isDirectory ? forbiddenDirectoryBits : forbiddenFileBits
        guard mode & forbidden == 0 else {
            throw GatewayError.insecurePermissions(path: path, mode: UInt16(truncatingIfNeeded: mode & 0o7777))
        }
    }

    /// Creates `path` (it must not exist) with mode 0600 and writes `bytes` to it, synced to disk.
    public static func createPrivate(_ path: String, contents bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw GatewayError.io(path: path, operation: "create", errno: errno)
        }
        defer { close(descriptor) }
        // umask can only narrow 0600; fchmod makes it exact whatever umask the operator has.
        guard fchmod(descriptor, 0o600) == 0 else {
            throw GatewayError.io(path: path, operation: "chmod", errno: errno)
        }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw GatewayError.io(path: path, operation: "write", errno: errno)
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            throw GatewayError.io(path: path, operation: "fsync", errno: errno)
        }
    }

    /// Reads a private file of at most `limit` bytes, after checking its mode.
    public static func readPrivate(_ path: String, limit: Int) throws -> [UInt8] {
        try requirePrivate(path)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw GatewayError.io(path: path, operation: "open", errno: errno)
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var total = 0
        while total < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + total, buffer.count - total)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw GatewayError.io(path: path, operation: "read", errno: errno)
            }
            if result == 0 { break }
            total += result
        }
        return Array(bytes[..<total])
    }

    /// Creates the directory `path` with mode 0700; an existing directory is left as it is.
    public static func createPrivateDirectory(_ path: String) throws {
        if mkdir(path, 0o700) == 0 {
            guard chmod(path, 0o700) == 0 else {
                throw GatewayError.io(path: path, operation: "chmod", errno: errno)
            }
            return
        }
        guard errno == EEXIST else {
            throw GatewayError.io(path: path, operation: "mkdir", errno: errno)
        }
    }
}
