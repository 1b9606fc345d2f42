import ArgumentParser
import Foundation
import GatewayDaemon
import TrackerGateway

/// `--config PATH`: the YAML config file, else `TRACKERD_CONFIG`, else /etc/trackerd/trackerd.yaml
/// when it exists (issue 12).
///
/// Every command that takes `--data-dir` takes this too (through ``DataDirectoryOptions``). The
/// file is checked while the command line is parsed, so a bad file stops any command with one
/// line naming the file, line and key, and exit 78, before it does anything.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"),
            help: ArgumentHelp("Config file (env: TRACKERD_CONFIG; default \(ConfigurationLoader.defaultPath) when it exists).", valueName: "path"))
    var path: String?

    func validate() throws {
        do {
            _ = try file()
        } catch {
            // ArgumentParser would wrap any other error as a usage error (64): say the line here, exit 78.
            FileHandle.standardError.write(Data("trackerd: \(error)\n".utf8))
            throw ExitCode(SysExit.configuration.rawValue)
        }
    }

    /// The file's path (nil when there is none) and what it sets.
    func file(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> (path: String?, values: GatewayConfiguration) {
        guard let path = ConfigurationLoader.filePath(flag: path, environment: environment) else { return (nil, GatewayConfiguration()) }
        return (path, try ConfigurationLoader.load(file: path))
    }

    /// What the file sets, when it can be read (``validate()`` has refused a bad file already).
    func fileValues(environment: [String: String] = ProcessInfo.processInfo.environment) -> GatewayConfiguration {
        (try? file(environment: environment).values) ?? GatewayConfiguration()
    }

    /// The command line's values over the environment over the file over the defaults.
    func effective(commandLine: GatewayConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> EffectiveConfiguration {
        do {
            return try ConfigurationLoader.resolve(commandLine: commandLine, configFlag: path, environment: environment)
        } catch {
            throw CommandFailure(exitCode: .configuration, message: error.description)
        }
    }

    /// How notices are mailed: `TRACKERD_MAIL_*` over the file's `mail.sendmail` and `mail.from`.
    func mailSettings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MailSettings {
        try MailSettings.resolve(environment: environment, file: fileValues(environment: environment).mailFileValues)
    }
}
