import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `trackerd init` on a full disk, after a failed init, and on directories with a wider mode; every
/// other command on a directory that is not 0700 (issues #9.5 and #9.6).
@Suite(.serialized) struct AdminInitTests {
    static let gateway = "+15550001111"

    /// A real small filesystem: a tmpfs mounted for the test (we run as root), unmounted after it.
    final class SmallDisk {
        let root: URL

        init(size: String) throws {
            root = try TemporaryDirectory.make(prefix: "tdi")
            guard mount("tmpfs", root.path, "tmpfs", 0, "size=\(size),mode=0700") == 0 else {
                throw HarnessError("cannot mount a \(size) tmpfs at \(root.path) (errno \(errno)): this test needs root")
            }
        }

        func resize(to size: String) throws {
            guard mount("tmpfs", root.path, "tmpfs", UInt(MS_REMOUNT), "size=\(size)") == 0 else {
                throw HarnessError("cannot resize the tmpfs (errno \(errno))")
            }
        }

        /// Writes a file until the filesystem has no block left.
        func fill() throws -> URL {
            let filler = root.appendingPathComponent("filler")
            let descriptor = open(filler.path, O_WRONLY | O_CREAT, 0o600)
            guard descriptor >= 0 else { throw HarnessError("cannot create the filler") }
            defer { close(descriptor) }
            let block = [UInt8](repeating: 0xA5, count: 4096)
            while block.withUnsafeBytes({ write(descriptor, $0.baseAddress!, $0.count) }) > 0 {}
            guard errno == ENOSPC else { throw HarnessError("filling stopped with errno \(errno)") }
            return filler
        }

        deinit {
            umount2(root.path, Int32(MNT_DETACH))
            rmdir(root.path)
        }
    }

    static func trackerd(_ arguments: [String], dataDirectory: URL) throws -> ProcessRunner.Result {
        try ProcessRunner.run("trackerd", arguments + ["--data-dir", dataDirectory.path])
    }

    static func names(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test func initOnAFullDiskLeavesNothingHalfMadeAndASecondInitFinishes() throws {
        let disk = try SmallDisk(size: "64k")
        let data = disk.root.appendingPathComponent("d", isDirectory: true)
        let failed = try Self.trackerd(["init", "--own-number", Self.gateway], dataDirectory: data)
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(failed.stderr.hasPrefix("trackerd: ") && failed.stderr.contains("No space left on device"), "\(failed.stderr)")
        #expect(failed.stderr.split(separator: "\n").count == 1)
        #expect(Self.names(in: data) == [], "a failed init left \(Self.names(in: data))")
        #expect(try Self.trackerd(["customer", "list"], dataDirectory: data).status == 66)

        try disk.resize(to: "16m")
        let second = try Self.trackerd(["init", "--own-number", Self.gateway], dataDirectory: data)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.trackerd(["gateway", "number", "list"], dataDirectory: data).stdout == Self.gateway + "\n")
        #expect(try Self.trackerd(["customer", "list"], dataDirectory: data).status == 0)
    }

    @Test func initWithNoRoomForTheKeyLeavesNoKey() throws {
        let disk = try SmallDisk(size: "64k")
        let data = disk.root.appendingPathComponent("d", isDirectory: true)
        #expect(mkdir(data.path, 0o700) == 0)
        let filler = try disk.fill()
        let failed = try Self.trackerd(["init"], dataDirectory: data)
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(Self.names(in: data) == [], "a failed init left \(Self.names(in: data))")

        #expect(unlink(filler.path) == 0)
        try disk.resize(to: "16m")
        #expect(try Self.trackerd(["init"], dataDirectory: data).status == 0)
        #expect(FileManager.default.contents(atPath: data.appendingPathComponent("master.key").path)?.count == 32)
    }

    @Test func initAfterAZeroByteKeyProceedsAndThenSaysAlreadyInitialised() throws {
        let root = try TemporaryDirectory()
        let data = root.dataDirectory
        #expect(mkdir(data.path, 0o700) == 0)
        #expect(FileManager.default.createFile(atPath: data.appendingPathComponent("master.key").path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let finished = try Self.trackerd(["init"], dataDirectory: data)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try Self.trackerd(["customer", "list"], dataDirectory: data).status == 0)
        let again = try Self.trackerd(["init"], dataDirectory: data)
        #expect(again.status == 65)
        #expect(again.stderr == "trackerd: \(data.path): is already initialised: it holds a master key and a database\n")
    }

    @Test(arguments: [0o755, 0o750, 0o701] as [Int])
    func initTightensAnExistingDirectoryAndSaysWhatItChanged(mode: Int) throws {
        let root = try TemporaryDirectory()
        let data = root.dataDirectory
        #expect(mkdir(data.path, 0o700) == 0 && chmod(data.path, mode_t(mode)) == 0)
        let result = try Self.trackerd(["init"], dataDirectory: data)
        #expect(result.status == 0)
        #expect(result.stderr == "trackerd: changed mode of \(data.path) from 0\(String(mode, radix: 8)) to 0700\n")
        var info = stat()
        #expect(stat(data.path, &info) == 0 && info.st_mode & 0o7777 == 0o700)
        let fresh = try TemporaryDirectory()
        let untouched = try Self.trackerd(["init"], dataDirectory: fresh.dataDirectory)
        #expect(untouched.status == 0 && untouched.stderr == "", "\(untouched.stderr)")
    }

    @Test(arguments: [0o755, 0o750, 0o705] as [Int])
    func everyOtherCommandRefusesADirectoryThatIsNot0700(mode: Int) throws {
        let world = try AdminWorld()
        let path = world.dataDirectory.path
        #expect(chmod(path, mode_t(mode)) == 0)
        let octal = "0" + String(mode, radix: 8)
        for command in [["customer", "list"], ["phone", "list"], ["audit"], ["config", "list"], ["gateway", "number", "list"], ["retention", "sweep", "--dry-run"]] {
            let result = try world.trackerd(command)
            #expect(result.status == 77, "\(command)")
            #expect(result.stderr == "trackerd: \(path) has mode \(octal); a data directory must be 0700 (no access for group or others): run `chmod 700 \(path)`\n")
        }
        let check = try world.trackerd(["privacy-check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("file-mode: \(path): mode \(octal); must be 0700"), "\(check.stdout)")
    }
}
