import Foundation

/// Finds, reads and merges the daemon's configuration: the file, the `TRACKERD_…` environment
/// and the command line's values, over the built-in defaults.
///
/// Issue 12. The file is `--config PATH`, else `TRACKERD_CONFIG`, else
/// `/etc/trackerd/trackerd.yaml` when it exists (a missing default is no error: the command line
/// alone may configure everything). A file that was named but cannot be read is an error.
public enum ConfigurationLoader {
    public static let defaultPath = "/etc/trackerd/trackerd.yaml"
    public static let pathVariable = "TRACKERD_CONFIG"

    /// The file to read, by the precedence above; nil when there is none.
    public static func filePath(flag: String?, environment: [String: String], defaultPath: String = defaultPath) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment[pathVariable], !path.isEmpty { return path }
        return FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil
    }

    /// Reads the file at `path` into a configuration source.
    public static func load(file path: String) throws(ConfigurationError) -> GatewayConfiguration {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ConfigurationError(source: path, reason: "cannot be read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw ConfigurationError(source: path, reason: "is not a regular file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            let code = access(path, R_OK) == 0 ? EIO : errno
            throw ConfigurationError(source: path, reason: "cannot be read: \(String(cString: strerror(code)))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigurationError(source: path, reason: "is not UTF-8 text") }
        return try ConfigurationFile(path: path, isPrivate: info.st_mode & 0o044 == 0).parse(text)
    }

    /// The `TRACKERD_…` variables as a configuration source (an empty variable counts as unset).
    public static func environment(_ environment: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        for key in ConfigurationKey.all {
            guard let text = environment[key.environmentVariable], !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                try key.apply(&configuration, text)
            } catch {
                throw ConfigurationError(source: "environment", key: key.environmentVariable, reason: error.reason)
            }
        }
        return configuration
    }

    /// Every source merged: `commandLine` over the environment over the file (if any) over the defaults.
    ///
    /// - Parameter configFlag: `--config`, if given.
    public static func resolve(commandLine: GatewayConfiguration, configFlag: String?,
                               environment: [String: String]) throws(ConfigurationError) -> EffectiveConfiguration {
        let path = filePath(flag: configFlag, environment: environment)
        let file = try path.map { path throws(ConfigurationError) in try load(file: path) } ?? GatewayConfiguration()
        let merged = file.overlaid(by: try Self.environment(environment)).overlaid(by: commandLine)
        return EffectiveConfiguration(merged, file: path)
    }

    /// The environment variable of a dotted key (`relay.max-age` → `TRACKERD_RELAY_MAX_AGE`), for help texts.
    public static func environmentVariable(for path: String) -> String? {
        ConfigurationKey.byPath[path]?.environmentVariable
    }

    /// Every scalar key's dotted path, in the file's order.
    public static var keyPaths: [String] { ConfigurationKey.all.map(\.path) }
}
