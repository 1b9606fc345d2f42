import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The test cluster of `scripts/postgres/test-cluster.sh`, as the tests that need PostgreSQL see it.
///
/// Issue #11: `make test` (and so CI) always starts the cluster and exports its URL; a test that
/// needs it and finds no URL fails with the line below — it never skips.
public enum TestPostgres {
    public static let urlVariable = "TRACKERD_TEST_POSTGRES_URL"
    public static let dataVariable = "TRACKERD_TEST_POSTGRES_DATA"

    public static let howToStart = """
        TRACKERD_TEST_POSTGRES_URL is not set: these tests need the PostgreSQL test cluster. Start it with \
        `bash scripts/postgres/test-cluster.sh start && eval "$(bash scripts/postgres/test-cluster.sh env)"` \
        (stop it with `bash scripts/postgres/test-cluster.sh stop`), or run `make test`.
        """

    /// The cluster's registry URL (with its password), or a failure saying how to start it.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else { throw HarnessError(howToStart) }
        return url
    }

    /// The URL of a fresh schema of its own (`schema=t_…`), so tests never see each other's rows.
    public static func freshSchemaURL() throws -> String {
        let base = try url()
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return base + (base.contains("?") ? "&" : "?") + "schema=\(name)"
    }

    /// The same server with another password: what a wrong password looks like.
    public static func urlWithWrongPassword() throws -> String {
        var components = try require(URLComponents(string: try url()))
        components.password = "not-the-password"
        return try require(components.string)
    }

    /// The same database reached through the cluster's Unix socket (`?host=DIRECTORY`), in a fresh schema.
    public static func freshSchemaSocketURL() throws -> String {
        guard let base = ProcessInfo.processInfo.environment["TRACKERD_TEST_POSTGRES_SOCKET_URL"], !base.isEmpty else { throw HarnessError(howToStart) }
        return base + "&schema=t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The cluster's data directory (with pg_wal), for byte scans.
    public static func dataDirectory() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment[dataVariable], !path.isEmpty else { throw HarnessError(howToStart) }
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw HarnessError("the test cluster's URL does not parse") }
    return value
}

extension TestPostgres {
    /// A loopback TCP port nobody listens on: bound by the kernel's choice, then closed.
    public static func unusedLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("bind failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension TestPostgres {
    /// Stops the test cluster's server, keeping its data and port (`test-cluster.sh pause`): the
    /// registry going away under a running gateway. Pair with ``resume()``.
    public static func pause() throws { try cluster("pause") }

    /// Starts the paused server again on the same port.
    public static func resume() throws { try cluster("resume") }

    /// Runs the script with posix_spawn and waitpid: `pg_ctl start` leaves the server running
    /// with the script's inherited descriptors, which Foundation's `Process` may wait on forever.
    private static func cluster(_ command: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/postgres/test-cluster.sh").path
        let arguments = ["/bin/bash", script, command]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ)
        guard spawned == 0 else { throw HarnessError("test-cluster.sh \(command): posix_spawn failed (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        guard status == 0 else { throw HarnessError("test-cluster.sh \(command) exited with wait status \(status)") }
    }
}

extension TestPostgres {
    /// Runs `sql` with Debian's `psql` in the schema of `schemaURL` (a ``freshSchemaURL()``) and
    /// returns its unaligned output: an edit behind the registry's back, as an operator with `psql`
    /// would make it.
    public static func psql(_ sql: String, schemaURL: String) throws -> String {
        var components = try require(URLComponents(string: schemaURL))
        let schema = try require(components.queryItems?.first { $0.name == "schema" }?.value)
        components.queryItems = components.queryItems?.filter { $0.name != "schema" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        let candidates = ["/usr/bin/psql"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/psql" }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError("psql is not installed (Debian's postgresql-client)")
        }
        let result = try ProcessRunner.run(executable: URL(fileURLWithPath: executable),
                                           ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", try require(components.string), "-c", sql],
                                           environment: ["PGOPTIONS": "-c search_path=\(schema)"])
        guard result.status == 0 else { throw HarnessError("psql exited \(result.status): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
