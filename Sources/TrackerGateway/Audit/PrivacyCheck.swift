import Foundation

/// `trackerd privacy-check`: looks for anything that breaks the privacy invariants at rest.
///
/// DESIGN.md invariants 1, 4 and 5: file modes (nothing readable by group or others), no file in
/// the data directory holding anything shaped like a coordinate pair or a map link, nobody kept past
/// retention, no audit entry older than the audit retention. A finding names the file or the id and
/// the rule — never the matched bytes.
public enum PrivacyCheck {
    public struct Finding: Sendable, Equatable, Codable, CustomStringConvertible {
        public enum Kind: String, Sendable, Codable {
            case fileMode = "file-mode"
            case locationAtRest = "location-at-rest"
            case pastRetention = "past-retention"
            case auditPastRetention = "audit-past-retention"
        }

        public var kind: Kind
        public var subject: String
        public var detail: String

        public init(kind: Kind, subject: String, detail: String) {
            self.kind = kind
            self.subject = subject
            self.detail = detail
        }

        public var description: String { "\(kind.rawValue): \(subject): \(detail)" }
    }

    /// Every check over `dataDirectory` and the registry, at `now`.
    public static func run(dataDirectory: URL, registry: Registry) throws -> [Finding] {
        var findings = try scanFiles(in: dataDirectory)
        let settings = try registry.retentionSettings()
        let plan = try registry.sweepPlan(policy: settings.policy)
        for id in plan.customerIDs {
            findings.append(Finding(kind: .pastRetention, subject: "customer \(id)",
                                    detail: "terminated more than \(RetentionSettings.format(settings.afterTermination)) ago and not on hold; run `trackerd retention sweep`"))
        }
        if plan.auditEntries > 0 {
            findings.append(Finding(kind: .auditPastRetention, subject: "audit",
                                    detail: "\(plan.auditEntries) entries older than \(RetentionSettings.format(settings.audit)); run `trackerd retention sweep`"))
        }
        return findings
    }

    /// Modes and contents of the directory and every regular file in it (sockets are skipped).
    public static func scanFiles(in directory: URL) throws -> [Finding] {
        var findings: [Finding] = []
        let directoryPath = directory.path
        // The same rule every other command enforces (SecureFile.forbiddenDirectoryBits): 0700.
        if let mode = try SecureFile.mode(of: directoryPath), mode & SecureFile.forbiddenDirectoryBits != 0 {
            findings.append(Finding(kind: .fileMode, subject: directoryPath,
                                    detail: "mode \(GatewayError.octal(UInt16(truncatingIfNeeded: mode))); must be 0700 (run `chmod 700 \(directoryPath)`)"))
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directoryPath).sorted()
        } catch {
            throw GatewayError.io(path: directoryPath, operation: "list", errno: EACCES)
        }
        for name in names {
            let path = directory.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            if info.st_mode & 0o077 != 0 && type != S_IFSOCK {
                findings.append(Finding(kind: .fileMode, subject: path, detail: "mode 0\(String(info.st_mode & 0o7777, radix: 8)); group and others must have no access"))
            }
            guard type == S_IFREG else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GatewayError.io(path: path, operation: "read", errno: EACCES)
            }
            if let shape = locationShape(in: [UInt8](data)) {
                findings.append(Finding(kind: .locationAtRest, subject: path, detail: "contains something shaped like \(shape)"))
            }
        }
        return findings
    }

    /// What location-like shape `bytes` contain, if any: a decimal coordinate pair, a labelled
    /// latitude or longitude, or a map link. Bytes are read as Latin-1, so binary files scan safely.
    public static func locationShape(in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self)
        for (name, pattern) in patterns {
            if text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil { return name }
        }
        return nil
    }

    static let patterns: [(String, String)] = [
        ("a coordinate pair", #"[-+]?[0-9]{1,3}\.[0-9]{4,}[ ]*[,;/ ][ ]*[-+]?[0-9]{1,3}\.[0-9]{4,}"#),
        ("a labelled latitude or longitude", #"\b(lat|lon|long|lng)[ ]*[:=][ ]*[NSEW]?[-+]?[0-9]{1,3}\.[0-9]+"#),
        ("a map link", #"(maps\.google\.|google\.[a-z.]+/maps|goo\.gl/maps|maps\.app\.goo\.gl|openstreetmap\.org|osm\.org/|maps\.apple\.com|geo:[-+]?[0-9])"#),
    ]
}
