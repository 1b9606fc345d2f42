#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file operations that keep secrets private: create with mode 0600, refuse what others can read.
///
/// DESIGN.md "Data" — trackerd refuses a key or database that group or others can read, and a data
/// directory that is not 0700 (issue #9.6). Files that must exist whole or not at all (the master
/// key, the database init makes) are written under a temporary name, synced, and linked into place.
public enum SecureFile {
    /// Permission bits that must be clear on a secret file (any group or other access).
    public static let forbiddenFileBits: mode_t = 0o077
    /// Permission bits that must be clear on the data directory: the rule is 0700, no group or other
    /// bits at all — nobody else may list, add, remove or swap files in it.
    public static let forbiddenDirectoryBits: mode_t = 0o077
    /// The suffix of a file being written before it is moved into place.
    public static let temporarySuffix = ".tmp"

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
        let permissions = UInt16(truncatingIfNeeded: mode & 0o7777)
        if isDirectory {
            guard mode & forbiddenDirectoryBits == 0 else { throw GatewayError.insecureDirectory(path: path, mode: permissions) }
        } else {
            guard mode & forbiddenFileBits == 0 else { throw GatewayError.insecurePermissions(path: path, mode: permissions) }
        }
    }

    /// Creates `path` (it must not exist) with mode 0600 and writes `bytes` to it, synced to disk.
    /// When a write fails (a full disk), the file is removed again: nothing half-written is left.
    public static func createPrivate(_ path: String, contents bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw GatewayError.io(path: path, operation: "create", errno: errno)
        }
        do {
            try fill(descriptor, path: path, with: bytes)
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
    }

    private static func fill(_ descriptor: Int32, path: String, with bytes: [UInt8]) throws {
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

    /// Writes a new private file whole or not at all: `path.tmp` is written and synced, then linked
    /// to `path` (which must not exist: a key is never replaced) and the directory synced.
    public static func createPrivateAtomically(_ path: String, contents bytes: [UInt8]) throws {
        let temporary = path + temporarySuffix
        try removeIfPresent(temporary)
        try createPrivate(temporary, contents: bytes)
        try moveIntoPlace(temporary, path)
    }

    /// Moves a complete, synced `temporary` file to `path`, refusing to replace one there, and
    /// syncs the directory so the new name survives a power cut. `temporary` is gone afterwards.
    public static func moveIntoPlace(_ temporary: String, _ path: String) throws {
        defer { unlink(temporary) }
        // link(2) fails with EEXIST instead of replacing, unlike rename(2).
        guard link(temporary, path) == 0 else {
            throw GatewayError.io(path: path, operation: "create", errno: errno)
        }
        try sync(directoryOf: path)
    }

    /// Flushes a file's data to disk.
    public static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw GatewayError.io(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw GatewayError.io(path: path, operation: "fsync", errno: errno) }
    }

    /// Flushes the directory entry changes (a create, a rename, an unlink) of `path`'s directory.
    public static func sync(directoryOf path: String) throws {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GatewayError.io(path: directory, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw GatewayError.io(path: directory, operation: "fsync", errno: errno) }
    }

    /// Removes `path` when it exists; a missing file is not an error.
    public static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw GatewayError.io(path: path, operation: "remove", errno: errno)
        }
    }

    /// Makes `path` a 0700 directory: creates it, or tightens an existing one whose group or other
    /// bits are set. Returns the mode it had when it was tightened, nil otherwise.
    public static func makePrivateDirectory(_ path: String) throws -> UInt16? {
        try createPrivateDirectory(path)
        guard let mode = try mode(of: path), mode & S_IFMT == S_IFDIR else {
            throw GatewayError.corruptData(path: path, reason: "is not a directory")
        }
        guard mode & forbiddenDirectoryBits != 0 else { return nil }
        guard chmod(path, 0o700) == 0 else {
            throw GatewayError.io(path: path, operation: "chmod", errno: errno)
        }
        return UInt16(truncatingIfNeeded: mode & 0o7777)
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
