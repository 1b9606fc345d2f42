import Foundation
import Yams

/// Reads the YAML config file into a ``GatewayConfiguration``, refusing anything it does not know.
///
/// Issue 12: an unknown key, a value of the wrong type (a list where a number belongs, a word
/// where a count belongs), a number that is not E.164, an unreadable PIN file, a PIN in a file
/// that group or others can read — each stops start-up with one ``ConfigurationError`` naming
/// the file, the line and the key. YAML goes through Yams' node tree (libyaml), which keeps the
/// line of every key; a syntax error is reported by line too, without Yams' multi-line snippet
/// (it could quote a PIN).
struct ConfigurationFile {
    let path: String
    /// Whether the file itself is closed to group and others (checked before a `pin:` is taken).
    let isPrivate: Bool

    /// Parses `text` (the file's contents).
    func parse(_ text: String) throws(ConfigurationError) -> GatewayConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error)
        }
        var configuration = GatewayConfiguration()
        guard let root, !isNull(root) else { return configuration }
        let top = try mapping(root, key: nil)
        for (keyNode, value) in top {
            let key = try keyName(keyNode)
            guard key == "modems" || ConfigurationKey.sections.contains(key) || ConfigurationKey.byPath[key] != nil else {
                throw error(at: keyNode, key: key, "is not a known key")
            }
            if isNull(value) { continue }
            if key == "modems" {
                configuration.modems = try modems(value)
            } else if ConfigurationKey.sections.contains(key) {
                for (childNode, childValue) in try mapping(value, key: key) {
                    let path = "\(key).\(try keyName(childNode, in: key))"
                    try apply(path, childValue, keyNode: childNode, to: &configuration)
                }
            } else {
                try apply(key, value, keyNode: keyNode, to: &configuration)
            }
        }
        return configuration
    }

    // MARK: - Keys and values

    private func apply(_ path: String, _ value: Node, keyNode: Node, to configuration: inout GatewayConfiguration) throws(ConfigurationError) {
        guard let key = ConfigurationKey.byPath[path] else { throw error(at: keyNode, key: path, "is not a known key") }
        guard !isNull(value) else { return }
        let text = try scalar(value, key: path)
        do {
            try key.apply(&configuration, text)
        } catch {
            throw self.error(at: value, key: path, error.reason)
        }
    }

    private func modems(_ node: Node) throws(ConfigurationError) -> [GatewayConfiguration.Modem] {
        guard case .sequence(let sequence) = node else {
            throw error(at: node, key: "modems", "must be a list of modems (- device: …, number: …)")
        }
        var modems: [GatewayConfiguration.Modem] = []
        for (index, entry) in sequence.enumerated() {
            modems.append(try modem(entry, key: "modems[\(index)]"))
        }
        return modems
    }

    private func modem(_ node: Node, key prefix: String) throws(ConfigurationError) -> GatewayConfiguration.Modem {
        var fields: [String: (key: Node, value: Node)] = [:]
        for (keyNode, value) in try mapping(node, key: prefix) {
            let name = try keyName(keyNode, in: prefix)
            guard ConfigurationKey.modemKeys.contains(name) else {
                throw error(at: keyNode, key: "\(prefix).\(name)", "is not a known key (a modem has \(ConfigurationKey.modemKeys.sorted().joined(separator: ", ")))")
            }
            if !isNull(value) { fields[name] = (keyNode, value) }
        }
        func text(_ name: String) throws(ConfigurationError) -> String? {
            guard let field = fields[name] else { return nil }
            return try scalar(field.value, key: "\(prefix).\(name)")
        }
        func parsed<T>(_ name: String, _ parse: (String) throws(ValueProblem) -> T) throws(ConfigurationError) -> T? {
            guard let value = try text(name), let field = fields[name] else { return nil }
            do { return try parse(value) } catch { throw self.error(at: field.value, key: "\(prefix).\(name)", error.reason) }
        }
        guard let device = try parsed("device", ValueProblem.path) else { throw error(at: node, key: "\(prefix).device", "is missing") }
        guard let number = try parsed("number", ValueProblem.number) else { throw error(at: node, key: "\(prefix).number", "is missing") }
        var modem = GatewayConfiguration.Modem(device: device, number: number)
        modem.receive = try parsed("receive", ValueProblem.receive)
        modem.baud = try parsed("baud") { text throws(ValueProblem) in try ValueProblem.count(text, in: 300...4_000_000) }
        modem.flowControl = try parsed("flow-control", ValueProblem.flowControl)
        if let pinField = fields["pin"] {
            if fields["pin-file"] != nil { throw error(at: pinField.key, key: "\(prefix).pin", "and pin-file are both given; keep one") }
            guard isPrivate else {
                throw error(at: pinField.key, key: "\(prefix).pin", "is in a file that group or others can read; chmod 600 \(path) (or use pin-file)")
            }
            modem.pin = try parsed("pin", ValueProblem.pin)
        }
        if let pinFile = try parsed("pin-file", ValueProblem.path), let field = fields["pin-file"] {
            modem.pinFile = pinFile
            do {
                modem.pin = try ValueProblem.pin(try Self.readPrivateFile(pinFile))
            } catch {
                throw self.error(at: field.value, key: "\(prefix).pin-file", error.reason)
            }
        }
        return modem
    }

    // MARK: - Node shapes

    private func mapping(_ node: Node, key: String?) throws(ConfigurationError) -> [(Node, Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(at: node, key: key, key == nil ? "the file must be a mapping of keys (data-dir: …, modems: …)" : "must be a mapping of keys")
        }
        return mapping.map { ($0.key, $0.value) }
    }

    private func keyName(_ node: Node, in parent: String? = nil) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error(at: node, key: parent, "has a key that is not a plain name") }
        return scalar.string
    }

    /// A scalar's text as written (so `+4917…` and `0123` keep their digits); a list or a mapping is the wrong type.
    private func scalar(_ node: Node, key: String) throws(ConfigurationError) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence: throw error(at: node, key: key, "must be a single value, not a list")
        case .mapping: throw error(at: node, key: key, "must be a single value, not a mapping")
        case .alias: throw error(at: node, key: key, "must be a single value, not an alias")
        }
    }

    private func isNull(_ node: Node) -> Bool {
        // Plain `~`, `null` or nothing; a quoted 'null' is text.
        node.null != nil
    }

    // MARK: - Errors

    private func error(at node: Node, key: String?, _ reason: String) -> ConfigurationError {
        ConfigurationError(source: path, line: node.mark?.line, key: key, reason: reason)
    }

    /// One line for a YAML syntax error: where, and libyaml's problem — never the snippet.
    private func syntaxError(_ error: any Error) -> ConfigurationError {
        switch error {
        case YamlError.scanner(let context, let problem, let mark, _),
             YamlError.parser(let context, let problem, let mark, _),
             YamlError.composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return ConfigurationError(source: path, line: mark.line, reason: "YAML syntax: \(detail)\(problem)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(source: path, line: context.mark.line, key: duplicates.sorted().first,
                                      reason: "appears more than once in one mapping")
        case YamlError.reader(let problem, _, _, _):
            return ConfigurationError(source: path, reason: "YAML: \(problem)")
        default:
            return ConfigurationError(source: path, reason: "YAML: not readable")
        }
    }

    // MARK: - Private files

    /// Reads a file that must not be readable by group or others (a SIM PIN's).
    static func readPrivateFile(_ path: String) throws(ValueProblem) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ValueProblem("\(path) cannot be read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o044 == 0 else {
            throw ValueProblem("\(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValueProblem("\(path) cannot be read: \(String(cString: strerror(access(path, R_OK) == 0 ? EIO : errno)))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ValueProblem("\(path) is not text") }
        return text
    }
}
