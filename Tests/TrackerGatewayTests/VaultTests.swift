import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct VaultTests {
    let vault = Vault(masterKey: try! MasterKey(bytes: (0..<32).map { UInt8($0) }))
    let otherVault = Vault(masterKey: try! MasterKey(bytes: (0..<32).map { UInt8(255 - $0) }))

    @Test(arguments: ["Anna Schmidt", "", "Straße 1\n12345 Köln", String(repeating: "x", count: 500)])
    func sealedFieldOpensToTheSameText(text: String) throws {
        let key = vault.generateDataKey()
        let sealed = vault.seal(text, column: "customers.name", with: key)
        #expect(try vault.open(sealed, column: "customers.name", with: key) == text)
        if !text.isEmpty {
            #expect(sealed.range(of: Data(text.utf8)) == nil)
        }
    }

    @Test func sealingTwiceGivesDifferentCiphertexts() {
        let key = vault.generateDataKey()
        #expect(vault.seal("Anna", column: "customers.name", with: key) != vault.seal("Anna", column: "customers.name", with: key))
    }

    @Test func fieldDoesNotOpenWithAnotherCustomersKey() {
        let sealed = vault.seal("Anna", column: "customers.name", with: vault.generateDataKey())
        #expect(throws: GatewayError.self) { try vault.open(sealed, column: "customers.name", with: vault.generateDataKey()) }
    }

    @Test func fieldDoesNotOpenInAnotherColumn() {
        let key = vault.generateDataKey()
        let sealed = vault.seal("Anna", column: "customers.name", with: key)
        #expect(throws: GatewayError.self) { try vault.open(sealed, column: "customers.email", with: key) }
    }

    @Test func alteredCiphertextDoesNotOpen() {
        let key = vault.generateDataKey()
        var sealed = vault.seal("Anna", column: "customers.name", with: key)
        sealed[sealed.count - 1] ^= 0x01
        #expect(throws: GatewayError.self) { try vault.open(sealed, column: "customers.name", with: key) }
    }

    @Test func dataKeyUnwrapsWithTheSameMasterKeyOnly() throws {
        let key = vault.generateDataKey()
        let wrapped = try vault.wrap(key)
        let sealed = vault.seal("Anna", column: "customers.name", with: key)
        #expect(try vault.open(sealed, column: "customers.name", with: vault.unwrap(wrapped)) == "Anna")
        #expect(throws: GatewayError.self) { try otherVault.unwrap(wrapped) }
    }

    @Test func blindIndexIsStableAndKeyed() throws {
        let number = try PhoneNumber(parsing: "+4917012345678", field: "n")
        let sameNumberOtherForm = try PhoneNumber(parsing: "0049 170 123 456 78", field: "n")
        let otherNumber = try PhoneNumber(parsing: "+4917012345679", field: "n")
        let rebuilt = Vault(masterKey: try MasterKey(bytes: (0..<32).map { UInt8($0) }))

        #expect(vault.blindIndex(of: number) == vault.blindIndex(of: sameNumberOtherForm))
        #expect(vault.blindIndex(of: number) == rebuilt.blindIndex(of: number))
        #expect(vault.blindIndex(of: number) != vault.blindIndex(of: otherNumber))
        #expect(vault.blindIndex(of: number) != otherVault.blindIndex(of: number))
        #expect(vault.blindIndex(of: number).count == Vault.blindIndexByteCount)
    }

    @Test func keyCheckDistinguishesMasterKeys() {
        #expect(vault.keyCheck == Vault(masterKey: try! MasterKey(bytes: (0..<32).map { UInt8($0) })).keyCheck)
        #expect(vault.keyCheck != otherVault.keyCheck)
    }

    @Test(arguments: [0, 16, 31, 33, 64])
    func masterKeyMustBe32Bytes(count: Int) {
        #expect(throws: GatewayError.self) { try MasterKey(bytes: [UInt8](repeating: 7, count: count)) }
    }
}
