import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// Every refusal leaves the database files byte-for-byte as they were.
@Suite struct RegistryRulesTests {
    /// Runs `refusedCommand` on a reopened registry holding Anna (customer 1, tracker +4915199887766)
    /// and checks it throws `expected` and leaves every database file unchanged.
    func expectRefusal(_ backend: Backend, _ expected: GatewayError, setUp: (Registry) throws -> Void = { _ in }, _ refusedCommand: (Registry) throws -> Void) throws {
        let world = try RegistryWorld(backend)
        let setup = try world.openNew()
        let annaID = try setup.addCustomer(Fixtures.anna())
        _ = try setup.addTracker(Fixtures.tracker(customerID: annaID))
        try setUp(setup)
        try setup.close()
        let before = try world.contents()

        let registry = try world.reopen()
        #expect(throws: expected) { try refusedCommand(registry) }
        try registry.close()
        #expect(try world.contents() == before)
    }

    @Test(arguments: Backend.allCases) func phoneThatIsATrackerIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--number", reason: "is already registered as a tracker")) {
            _ = try $0.addPhone(customerID: 1, number: "0049 151 998 877 66")
        }
    }

    @Test(arguments: Backend.allCases) func trackerThatIsAPhoneIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--number", reason: "is already registered as a phone")) {
            _ = try $0.addTracker(Fixtures.tracker(customerID: 1, number: "+491701234567", label: nil))
        }
    }

    @Test(arguments: Backend.allCases) func duplicatePhoneIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--number", reason: "is already registered as a phone")) {
            _ = try $0.addPhone(customerID: 1, number: "+49 (0)170 1234567")
        }
    }

    @Test(arguments: Backend.allCases) func duplicateTrackerIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--number", reason: "is already registered as a tracker")) {
            _ = try $0.addTracker(Fixtures.tracker(customerID: 1, label: "car"))
        }
    }

    @Test(arguments: Backend.allCases) func anotherCustomerWithARegisteredPhoneIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--phone #2", reason: "is already registered as a phone")) {
            _ = try $0.addCustomer(Fixtures.bernd(phones: ["+491717654321", "+491701234567"]))
        }
    }

    @Test(arguments: Backend.allCases) func sameNumberTwiceInOneCustomerIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--phone #2", reason: "is the same number as an earlier --phone")) {
            _ = try $0.addCustomer(Fixtures.bernd(phones: ["+491717654321", "0049 171 7654321"]))
        }
    }

    @Test(arguments: Backend.allCases) func gatewaysOwnNumberIsRefusedAsPhoneAndTracker(_ backend: Backend) throws {
        let setOwnNumber: (Registry) throws -> Void = { try $0.setGatewayOwnNumber("+49 176 0000001") }
        try expectRefusal(backend, .conflict(field: "--number", reason: "is the gateway's own number"), setUp: setOwnNumber) {
            _ = try $0.addPhone(customerID: 1, number: "+491760000001")
        }
        try expectRefusal(backend, .conflict(field: "--number", reason: "is the gateway's own number"), setUp: setOwnNumber) {
            _ = try $0.addTracker(Fixtures.tracker(customerID: 1, number: "+491760000001", label: nil))
        }
        try expectRefusal(backend, .conflict(field: "--own-number", reason: "is already registered as a tracker")) {
            try $0.setGatewayOwnNumber("+4915199887766")
        }
    }

    @Test(arguments: Backend.allCases) func duplicateLabelForOneCustomerIsRefused(_ backend: Backend) throws {
        try expectRefusal(backend, .conflict(field: "--label", reason: "another tracker of this customer has the same label")) {
            _ = try $0.addTracker(Fixtures.tracker(customerID: 1, number: "+4915100000001", label: "VAN"))
        }
    }

    @Test(arguments: Backend.allCases) func unknownCustomerIsRefusedWithoutWriting(_ backend: Backend) throws {
        try expectRefusal(backend, .unknownID(kind: "customer", id: 7)) {
            _ = try $0.addPhone(customerID: 7, number: "+491605550001")
        }
    }

    @Test(arguments: Backend.allCases) func refusalRightAfterAnErasureLeavesTheFilesUntouched(_ backend: Backend) throws {
        // Erasure truncates the write-ahead log; the next open must still not write.
        let eraseBernd: (Registry) throws -> Void = { try $0.eraseCustomer(id: $0.addCustomer(Fixtures.bernd())) }
        try expectRefusal(backend, .unknownID(kind: "customer", id: 7), setUp: eraseBernd) {
            _ = try $0.addPhone(customerID: 7, number: "+491605550001")
        }
    }

    static let invalidCustomers: [(String, NewCustomer, GatewayError)] = {
        var rows: [(String, NewCustomer, GatewayError)] = []
        var form = Fixtures.bernd()
        form.adultAttested = false
        rows.append(("no --adult", form, .usage("--adult is required: trackerd registers only customers the operator attests are adults")))
        form = Fixtures.bernd(); form.name = "   "
        rows.append(("empty name", form, .invalidInput(field: "--name", reason: "is empty")))
        form = Fixtures.bernd(); form.address = ""
        rows.append(("empty address", form, .invalidInput(field: "--address", reason: "is empty")))
        form = Fixtures.bernd(); form.email = "bernd at example"
        rows.append(("bad email", form, .invalidInput(field: "--email", reason: "must contain exactly one @")))
        form = Fixtures.bernd(); form.phones = []
        rows.append(("no phone", form, .usage("at least one --phone is required")))
        form = Fixtures.bernd(); form.phones = ["+491717654321", "+12"]
        rows.append(("short phone", form, .invalidInput(field: "--phone #2", reason: "number is too short (2 digits; at least 8 with country code)")))
        form = Fixtures.bernd(); form.cardToken = "4111 1111 1111 1111"; form.cardLast4 = "1111"
        rows.append(("card number as token", form, .invalidInput(field: "--card-token", reason: "looks like a full card number, which trackerd never stores; give the payment processor's token with --card-token and the last four digits with --card-last4")))
        form = Fixtures.bernd(); form.cardToken = "tok_x"
        rows.append(("token without last four", form, .usage("--card-token needs --card-last4")))
        form = Fixtures.bernd(); form.name = "4111111111111111"
        rows.append(("card number as name", form, .invalidInput(field: "--name", reason: "looks like a full card number, which trackerd never stores; give the payment processor's token with --card-token and the last four digits with --card-last4")))
        return rows
    }()

    @Test(arguments: Backend.allCases, invalidCustomers)
    func invalidCustomerIsRefusedWithoutWriting(_ backend: Backend, _ row: (rule: String, form: NewCustomer, expected: GatewayError)) throws {
        try expectRefusal(backend, row.expected) { _ = try $0.addCustomer(row.form) }
    }

    static let invalidTrackers: [(NewTracker, GatewayError)] = [
        (NewTracker(customerID: 1, number: "+4915100000001", model: .tk103, password: ""), GatewayError.invalidInput(field: "--password", reason: "is empty; tk103 trackers obey only commands with their password")),
        (NewTracker(customerID: 1, number: "+4915100000001", model: .xexun, password: "  "), GatewayError.invalidInput(field: "--password", reason: "is empty; xexun trackers obey only commands with their password")),
        (NewTracker(customerID: 1, number: "+4915100000001", model: .gt06, password: "12 34"), .invalidInput(field: "--password", reason: "must be at most 32 printable ASCII characters, no spaces")),
        (NewTracker(customerID: 1, number: "+4915100000001", model: .teltonika, password: "a b c"), .invalidInput(field: "--password", reason: "must be at most 32 printable ASCII characters, \"<login> <password>\" or a password alone")),
        (NewTracker(customerID: 1, number: "+4915100000001", model: .gt06, password: "1234", label: "blue van"), .invalidInput(field: "--label", reason: "must be one word (it is what the customer texts after LOCATE)")),
        (NewTracker(customerID: 1, number: "garbage", model: .gt06, password: "1234"), .invalidInput(field: "--number", reason: "number may contain only digits, a leading + or 00, spaces, dashes, dots and brackets")),
    ]

    @Test(arguments: Backend.allCases, invalidTrackers)
    func invalidTrackerIsRefusedWithoutWriting(_ backend: Backend, _ row: (form: NewTracker, expected: GatewayError)) throws {
        try expectRefusal(backend, row.expected) { _ = try $0.addTracker(row.form) }
    }

    static let optionalPasswords: [(TrackerModel, String)] = [(.gt06, ""), (.generic, ""), (.teltonika, ""), (.teltonika, "fleet s3cret")]

    @Test(arguments: Backend.allCases, optionalPasswords)
    func passwordsTheModelNeedsNotAreAccepted(_ backend: Backend, _ row: (model: TrackerModel, password: String)) throws {
        let (model, password) = row
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let customer = try registry.addCustomer(Fixtures.anna())
        let id = try registry.addTracker(NewTracker(customerID: customer, number: "+4915100000009", model: model, password: password))
        guard case .tracker(let route) = try registry.roleNow(of: "+4915100000009") else {
            Issue.record("tracker \(id) not found by its number")
            return
        }
        #expect(route.password == password)
        #expect(route.model == model)
        try registry.close()
    }
}

/// The schema itself keeps the audit log to known actions and the settings to known keys.
@Suite struct RegistrySchemaListTests {
    static let freeTextRows = [
        "INSERT INTO audit (at, actor, action, customer_id) VALUES (1, 'op', 'customer.name-is-Ada', length(?))",
        "INSERT INTO settings (key, value) VALUES ('free.text', ?)",
    ]

    @Test(arguments: Backend.allCases, freeTextRows)
    func unknownAuditActionOrSettingKeyIsRefusedByTheSchema(_ backend: Backend, _ statement: String) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        defer { try? registry.close() }
        #expect(throws: GatewayError.self) { try registry.write { db in try db.execute(sql: statement, arguments: [Data([0])]) } }
    }

    @Test(arguments: Backend.allCases) func everyAuditActionTheCodeKnowsIsAllowedByTheSchema(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        defer { try? registry.close() }
        let allowed = try registry.read { db in Set(try db.fetchColumn(sql: "SELECT name FROM audit_actions", column: "name", table: "audit_actions", as: String.self)) }
        #expect(Set(AuditAction.allCases.map(\.rawValue)).isSubset(of: allowed))
    }
}
