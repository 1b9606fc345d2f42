import Crypto

/// The 32-byte master key: the root of every other key, kept in a 0600 file next to the database.
///
/// DESIGN.md invariant 4 — it wraps the per-customer data keys and, through HKDF, keys the blind index.
/// The raw bytes never leave this type except into ``Vault``.
// SymmetricKey is an immutable value whose storage is never mutated after creation, so sharing
// it across tasks is safe; swift-crypto 3.12 just does not declare it Sendable.
public struct MasterKey: @unchecked Sendable {
    public static let byteCount = 32

    let key: SymmetricKey

    /// A key from its raw bytes (tests, and key files).
    public init(bytes: some Sequence<UInt8>) throws {
        let raw = Array(bytes)
        guard raw.count == MasterKey.byteCount else {
            throw GatewayError.corruptData(path: "master key", reason: "a master key is \(MasterKey.byteCount) bytes, got \(raw.count)")
        }
        key = SymmetricKey(data: raw)
    }

    /// A fresh random key from the system's CSPRNG.
    public static func generate() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) {
        self.key = key
    }

    /// Loads the key file, refusing one that group or others can read or that is not exactly 32 bytes.
    public static func load(from path: String) throws -> MasterKey {
        let bytes = try SecureFile.readPrivate(path, limit: byteCount)
        guard bytes.count == byteCount else {
            throw GatewayError.corruptData(path: path, reason: "a master key file holds exactly \(byteCount) bytes, this one \(bytes.count < byteCount ? "holds \(bytes.count)" : "is longer")")
        }
        return try MasterKey(bytes: bytes)
    }

    /// Writes the key to a new 0600 file, whole or not at all; refuses to overwrite an existing one.
    public func write(to path: String) throws {
        let bytes = key.withUnsafeBytes { Array($0) }
        try SecureFile.createPrivateAtomically(path, contents: bytes)
    }
}
