import Crypto
import Foundation

/// Field encryption and the blind index: AES-GCM under per-customer data keys, HMAC-SHA256 for lookups.
///
/// DESIGN.md invariant 4. Keys are derived from the master key with HKDF-SHA256 (RFC 5869) and
/// distinct `info` labels, so the key that wraps data keys never keys the blind index and vice versa.
/// The register-notes key seals what belongs to no single customer (a breach that spans customers,
/// the supervisory authority's name), so erasing one customer cannot shred it.
/// A sealed value is the AES-GCM combined form, nonce ‖ ciphertext ‖ tag (NIST SP 800-38D); its
/// associated data names the column it belongs in, so a ciphertext moved to another column fails to open.
// @unchecked: holds only immutable SymmetricKeys (see MasterKey).
public struct Vault: @unchecked Sendable {
    private let wrappingKey: SymmetricKey
    private let blindIndexKey: SymmetricKey
    private let keyCheckKey: SymmetricKey
    /// Seals register notes that span customers (DESIGN.md invariant 8); used like a customer's data key.
    let registerNotesKey: DataKey
    /// Keys the fingerprints that recognise a message without keeping it (the crash journal).
    private let fingerprintKey: SymmetricKey

    /// Bytes in a blind index (a full HMAC-SHA256).
    public static let blindIndexByteCount = 32

    public init(masterKey: MasterKey) {
        wrappingKey = Vault.derive(from: masterKey, label: "trackerd v1 data-key wrapping")
        blindIndexKey = Vault.derive(from: masterKey, label: "trackerd v1 blind index")
        keyCheckKey = Vault.derive(from: masterKey, label: "trackerd v1 key check")
        registerNotesKey = DataKey(key: Vault.derive(from: masterKey, label: "trackerd v1 register notes"))
        fingerprintKey = Vault.derive(from: masterKey, label: "trackerd v1 message fingerprint")
    }

    /// A keyed fingerprint (HMAC-SHA256, first 16 bytes) of bytes that must be recognised later
    /// but never kept: without the master key it says nothing of what was hashed.
    public func fingerprint(of bytes: some DataProtocol) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: bytes, using: fingerprintKey).prefix(16))
    }

    private static func derive(from masterKey: MasterKey, label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey.key, salt: Data("trackerd".utf8), info: Data(label.utf8), outputByteCount: 32)
    }

    // MARK: Data keys

    /// A fresh random per-customer data key.
    public func generateDataKey() -> DataKey {
        DataKey(key: SymmetricKey(size: .bits256))
    }

    /// The data key sealed under the wrapping key, as stored in `customers.wrapped_key`.
    public func wrap(_ dataKey: DataKey) throws -> Data {
        let raw = dataKey.key.withUnsafeBytes { Data($0) }
        do {
            return try AES.GCM.seal(raw, using: wrappingKey, authenticating: Data("customers.wrapped_key".utf8)).combined!
        } catch {
            preconditionFailure("AES-GCM sealing a 32-byte key cannot fail: \(error)")
        }
    }

    /// Unwraps a stored data key; throws when it was wrapped under another master key or altered.
    public func unwrap(_ wrapped: Data) throws -> DataKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            let raw = try AES.GCM.open(box, using: wrappingKey, authenticating: Data("customers.wrapped_key".utf8))
            guard raw.count == 32 else { throw CryptoKitError.incorrectKeySize }
            return DataKey(key: SymmetricKey(data: raw))
        } catch {
            throw GatewayError.corruptData(path: "customers.wrapped_key", reason: "does not open with this master key")
        }
    }

    // MARK: Fields

    /// Seals one PII field with the customer's data key; `column` is bound as associated data.
    public func seal(_ plaintext: String, column: String, with dataKey: DataKey) -> Data {
        do {
            return try AES.GCM.seal(Data(plaintext.utf8), using: dataKey.key, authenticating: Data(column.utf8)).combined!
        } catch {
            preconditionFailure("AES-GCM sealing with a 256-bit key and a random nonce cannot fail: \(error)")
        }
    }

    /// Opens a field sealed by ``seal(_:column:with:)`` for the same column.
    public func open(_ sealed: Data, column: String, with dataKey: DataKey) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plaintext = try AES.GCM.open(box, using: dataKey.key, authenticating: Data(column.utf8))
            guard let text = String(data: plaintext, encoding: .utf8) else { throw CryptoKitError.authenticationFailure }
            return text
        } catch {
            throw GatewayError.corruptData(path: column, reason: "does not open with its customer's data key")
        }
    }

    // MARK: Blind index

    /// HMAC-SHA256 of the E.164 form under the blind-index key: equal numbers give equal indexes,
    /// and without the master key the index reveals nothing about the number.
    public func blindIndex(of number: PhoneNumber) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(number.e164.utf8), using: blindIndexKey))
    }

    // MARK: Key check

    /// A value stored at init that tells, on every open, whether the master key is the one the
    /// database was made with — before a wrong key could add customers no one can decrypt.
    public var keyCheck: Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("trackerd key check".utf8), using: keyCheckKey))
    }
}

/// A customer's data key, unwrapped, in memory only.
// @unchecked: holds only an immutable SymmetricKey (see MasterKey).
public struct DataKey: @unchecked Sendable {
    let key: SymmetricKey
}
