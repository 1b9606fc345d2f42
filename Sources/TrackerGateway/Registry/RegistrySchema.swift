import GRDB

/// The registry's schema on SQLite, as migrations registered in code; a shipped migration is never edited.
///
/// DESIGN.md "Data" and invariants 1, 4, 5. Rules live in the schema, not only in Swift:
/// - no table or column can hold a message body: every PII column is a sealed blob, everything
///   else is an id, an enum, a flag or a time;
/// - a number is a phone, a tracker or one of the gateway's own, never two of them, never twice:
///   every number claims its blind index in `numbers` (primary key), and `phones`/`trackers`/
///   `gateway_numbers` reference that claim together with their own kind;
/// - customer status is an enum with its time; an erased customer keeps no key and no PII.
enum RegistrySchema {
    /// Every migration's name, in order: SQLite's migrator and PostgreSQL's list (``PostgresSchema``)
    /// register the same ones.
    static let migrationNames = [
        "v1: customers, numbers, phones, trackers, settings, audit",
        "v2: retention settings, administration audit actions, notices",
        "v3: audit actions and setting keys as tables",
        "v4: gateway numbers, trackers' known gateway numbers",
        "v5: data-subject requests, breaches, e-mail notices",
    ]

    /// SQLite's migrations (GRDB's migrator records them in `grdb_migrations`).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(migrationNames[0]) { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL CHECK (key IN ('gateway.own-number', 'numbers.default-calling-code', 'vault.key-check', 'vault.shred-count')),
                    value BLOB NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE customers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated', 'erased')),
                    created_at INTEGER NOT NULL,
                    adult_attested_at INTEGER NOT NULL,
                    terminated_at INTEGER,
                    erased_at INTEGER,
                    dispute_hold INTEGER NOT NULL DEFAULT 0 CHECK (dispute_hold IN (0, 1)),
                    wrapped_key BLOB,
                    name_sealed BLOB,
                    address_sealed BLOB,
                    email_sealed BLOB,
                    card_token_sealed BLOB,
                    card_last4_sealed BLOB,
                    CHECK ((status = 'active') = (terminated_at IS NULL)),
                    CHECK ((status = 'erased') = (erased_at IS NOT NULL)),
                    CHECK ((status = 'erased') = (wrapped_key IS NULL)),
                    CHECK (status = 'erased' OR (name_sealed IS NOT NULL AND address_sealed IS NOT NULL AND email_sealed IS NOT NULL)),
                    CHECK (status <> 'erased' OR (name_sealed IS NULL AND address_sealed IS NULL AND email_sealed IS NULL
                                                  AND card_token_sealed IS NULL AND card_last4_sealed IS NULL)),
                    CHECK ((card_token_sealed IS NULL) = (card_last4_sealed IS NULL))
                );

                CREATE TABLE numbers (
                    blind_index BLOB PRIMARY KEY NOT NULL CHECK (length(blind_index) = 32),
                    kind TEXT NOT NULL CHECK (kind IN ('phone', 'tracker', 'gateway')),
                    UNIQUE (blind_index, kind)
                ) WITHOUT ROWID;

                CREATE TABLE phones (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    blind_index BLOB NOT NULL UNIQUE,
                    number_kind TEXT NOT NULL DEFAULT 'phone' CHECK (number_kind = 'phone'),
                    number_sealed BLOB NOT NULL,
                    consents INTEGER NOT NULL DEFAULT 1 CHECK (consents IN (0, 1)),
                    created_at INTEGER NOT NULL,
                    FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
                );
                CREATE INDEX phones_by_customer ON phones(customer_id);

                CREATE TABLE trackers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    blind_index BLOB NOT NULL UNIQUE,
                    number_kind TEXT NOT NULL DEFAULT 'tracker' CHECK (number_kind = 'tracker'),
                    number_sealed BLOB NOT NULL,
                    model TEXT NOT NULL CHECK (model IN ('tk103', 'xexun', 'gt06', 'teltonika', 'generic')),
                    password_sealed BLOB NOT NULL,
                    label_sealed BLOB,
                    created_at INTEGER NOT NULL,
                    FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
                );
                CREATE INDEX trackers_by_customer ON trackers(customer_id);

                -- A deleted phone or tracker (customer erased, number removed) frees its number.
                CREATE TRIGGER phones_release_number AFTER DELETE ON phones BEGIN
                    DELETE FROM numbers WHERE blind_index = OLD.blind_index AND kind = 'phone';
                END;
                CREATE TRIGGER trackers_release_number AFTER DELETE ON trackers BEGIN
                    DELETE FROM numbers WHERE blind_index = OLD.blind_index AND kind = 'tracker';
                END;

                -- Only an active customer gains phones or trackers.
                CREATE TRIGGER phones_need_active_customer BEFORE INSERT ON phones
                WHEN (SELECT status FROM customers WHERE id = NEW.customer_id) IS NOT 'active' BEGIN
                    SELECT RAISE(ABORT, 'customer is not active');
                END;
                CREATE TRIGGER trackers_need_active_customer BEFORE INSERT ON trackers
                WHEN (SELECT status FROM customers WHERE id = NEW.customer_id) IS NOT 'active' BEGIN
                    SELECT RAISE(ABORT, 'customer is not active');
                END;

                -- Metadata only: who (OS user), when, what, about which ids. No free text, no PII.
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
                    action TEXT NOT NULL CHECK (action IN (
                        'customer.add', 'phone.add', 'tracker.add',
                        'phone.consent-withdrawn', 'phone.consent-given',
                        'customer.terminate', 'customer.erase',
                        'customer.dispute-hold', 'customer.dispute-release',
                        'gateway.own-number-set', 'settings.default-calling-code-set')),
                    customer_id INTEGER,
                    subject_id INTEGER
                );
                CREATE INDEX audit_by_time ON audit(at);
                """)
        }
        migrator.registerMigration(migrationNames[1]) { db in
            // SQLite cannot change a CHECK in place: settings and audit are rebuilt with wider lists.
            try db.execute(sql: """
                CREATE TABLE settings_v2 (
                    key TEXT PRIMARY KEY NOT NULL CHECK (key IN ('gateway.own-number', 'numbers.default-calling-code', 'vault.key-check', 'vault.shred-count',
                                                             'retention.after-termination', 'retention.audit', 'retention.sweep-interval')),
                    value BLOB NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO settings_v2 (key, value) SELECT key, value FROM settings;
                DROP TABLE settings;
                ALTER TABLE settings_v2 RENAME TO settings;

                CREATE TABLE audit_v2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
                    action TEXT NOT NULL CHECK (action IN (
                        'customer.add', 'phone.add', 'tracker.add',
                        'phone.consent-withdrawn', 'phone.consent-given',
                        'customer.terminate', 'customer.erase',
                        'customer.dispute-hold', 'customer.dispute-release',
                        'gateway.own-number-set', 'settings.default-calling-code-set',
                        'customer.show', 'customer.export', 'customer.update', 'customer.purge',
                        'phone.remove', 'tracker.remove', 'tracker.provision',
                        'notice.amendment', 'notice.breach', 'settings.set')),
                    customer_id INTEGER,
                    subject_id INTEGER
                );
                INSERT INTO audit_v2 (id, at, actor, action, customer_id, subject_id) SELECT id, at, actor, action, customer_id, subject_id FROM audit;
                DROP TABLE audit;
                ALTER TABLE audit_v2 RENAME TO audit;
                CREATE INDEX audit_by_time ON audit(at);
                CREATE INDEX audit_by_customer ON audit(customer_id);

                -- Notices sent to a customer (privacy-policy amendments, breaches): dates and a
                -- version tag, never the text. A termination within 30 days of an amendment notice
                -- is marked, so no fee is charged for it.
                ALTER TABLE customers ADD COLUMN amendment_version TEXT CHECK (amendment_version IS NULL OR length(amendment_version) BETWEEN 1 AND 32);
                ALTER TABLE customers ADD COLUMN amendment_notified_at INTEGER;
                ALTER TABLE customers ADD COLUMN breach_notified_at INTEGER;
                -- The operator's note on an open or closed dispute, sealed like every PII field.
                ALTER TABLE customers ADD COLUMN dispute_note_sealed BLOB;
                ALTER TABLE customers ADD COLUMN terminated_under_amendment INTEGER NOT NULL DEFAULT 0 CHECK (terminated_under_amendment IN (0, 1));
                """)
        }
        migrator.registerMigration(migrationNames[2]) { db in
            // The allowed audit actions and setting keys stay rules of the schema (metadata only, no
            // free text), but as rows: a later migration adds one with an INSERT instead of
            // rebuilding both tables to widen a CHECK.
            try db.execute(sql: """
                CREATE TABLE audit_actions (name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 3 AND 48)) WITHOUT ROWID;
                INSERT INTO audit_actions (name) VALUES
                    ('customer.add'), ('phone.add'), ('tracker.add'),
                    ('phone.consent-withdrawn'), ('phone.consent-given'),
                    ('customer.terminate'), ('customer.erase'),
                    ('customer.dispute-hold'), ('customer.dispute-release'),
                    ('gateway.own-number-set'), ('settings.default-calling-code-set'),
                    ('customer.show'), ('customer.export'), ('customer.update'), ('customer.purge'),
                    ('phone.remove'), ('tracker.remove'), ('tracker.provision'),
                    ('notice.amendment'), ('notice.breach'), ('settings.set');
                CREATE TABLE setting_keys (name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 3 AND 48)) WITHOUT ROWID;
                INSERT INTO setting_keys (name) VALUES
                    ('gateway.own-number'), ('numbers.default-calling-code'), ('vault.key-check'), ('vault.shred-count'),
                    ('retention.after-termination'), ('retention.audit'), ('retention.sweep-interval');

                CREATE TABLE settings_v3 (
                    key TEXT PRIMARY KEY NOT NULL REFERENCES setting_keys(name),
                    value BLOB NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO settings_v3 (key, value) SELECT key, value FROM settings;
                DROP TABLE settings;
                ALTER TABLE settings_v3 RENAME TO settings;

                CREATE TABLE audit_v3 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
                    action TEXT NOT NULL REFERENCES audit_actions(name),
                    customer_id INTEGER,
                    subject_id INTEGER
                );
                INSERT INTO audit_v3 (id, at, actor, action, customer_id, subject_id) SELECT id, at, actor, action, customer_id, subject_id FROM audit;
                DROP TABLE audit;
                ALTER TABLE audit_v3 RENAME TO audit;
                CREATE INDEX audit_by_time ON audit(at);
                CREATE INDEX audit_by_customer ON audit(customer_id);
                """)
        }
        migrator.registerMigration(migrationNames[3]) { db in
            // Issue #10: the gateway's numbers are a list, and the registry its one source of truth.
            // The one number v1–v3 kept as the setting 'gateway.own-number' (whose blind index was
            // already claimed in `numbers` as 'gateway') becomes the first row; the setting goes.
            try db.execute(sql: """
                INSERT INTO audit_actions (name) VALUES ('gateway.number-add'), ('gateway.number-remove');

                -- The operator's own numbers, not customers' PII: kept in clear for the daemon.
                CREATE TABLE gateway_numbers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    e164 TEXT NOT NULL UNIQUE CHECK (e164 GLOB '+[1-9]*' AND length(e164) BETWEEN 9 AND 16 AND substr(e164, 2) NOT GLOB '*[^0-9]*'),
                    blind_index BLOB NOT NULL UNIQUE,
                    number_kind TEXT NOT NULL DEFAULT 'gateway' CHECK (number_kind = 'gateway'),
                    created_at INTEGER NOT NULL,
                    FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
                );
                CREATE TRIGGER gateway_numbers_release_number AFTER DELETE ON gateway_numbers BEGIN
                    DELETE FROM numbers WHERE blind_index = OLD.blind_index AND kind = 'gateway';
                END;

                INSERT INTO gateway_numbers (e164, blind_index, created_at)
                SELECT CAST(s.value AS TEXT), n.blind_index,
                       COALESCE((SELECT MAX(at) FROM audit WHERE action = 'gateway.own-number-set'), CAST(strftime('%s', 'now') AS INTEGER))
                FROM settings s JOIN numbers n ON n.kind = 'gateway'
                WHERE s.key = 'gateway.own-number' AND CAST(s.value AS TEXT) GLOB '+[1-9]*'
                  AND length(CAST(s.value AS TEXT)) BETWEEN 9 AND 16 AND substr(CAST(s.value AS TEXT), 2) NOT GLOB '*[^0-9]*';
                DELETE FROM settings WHERE key = 'gateway.own-number';
                DELETE FROM setting_keys WHERE name = 'gateway.own-number';

                -- Which gateway numbers a tracker obeys (what provisioning authorised).
                CREATE TABLE tracker_gateway_numbers (
                    tracker_id INTEGER NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,
                    gateway_number_id INTEGER NOT NULL REFERENCES gateway_numbers(id) ON DELETE CASCADE,
                    provisioned_at INTEGER NOT NULL,
                    PRIMARY KEY (tracker_id, gateway_number_id)
                ) WITHOUT ROWID;
                CREATE INDEX tracker_gateway_numbers_by_number ON tracker_gateway_numbers(gateway_number_id);
                """)
        }
        migrator.registerMigration(migrationNames[4]) { db in
            // DESIGN.md invariant 8: every request and breach has its clock; a notice counts per
            // customer and channel once it was handed over. Rows hold ids, kinds, dates and outcomes;
            // every free text is a sealed blob (the customer's key, or the register-notes key for what
            // spans customers), and erasing a customer nulls the notes sealed under its key.
            try db.execute(sql: """
                INSERT INTO audit_actions (name) VALUES
                    ('request.open'), ('request.verify'), ('request.close'), ('request.show'),
                    ('breach.record'), ('breach.reported'), ('breach.show'),
                    ('notice.sms'), ('notice.email-failed');
                INSERT INTO setting_keys (name) VALUES ('rights.deadline');

                CREATE TABLE rights_requests (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    kind TEXT NOT NULL CHECK (kind IN ('access', 'correction', 'erasure', 'objection')),
                    channel TEXT CHECK (channel IS NULL OR channel IN ('email', 'letter', 'phone', 'sms')),
                    received_at INTEGER NOT NULL,
                    logged_at INTEGER NOT NULL CHECK (logged_at >= received_at),
                    due_at INTEGER NOT NULL CHECK (due_at > received_at),
                    note_sealed BLOB,
                    verified_at INTEGER,
                    verification_sealed BLOB CHECK (verification_sealed IS NULL OR verified_at IS NOT NULL),
                    copy_produced_at INTEGER CHECK (copy_produced_at IS NULL OR kind = 'access'),
                    closed_at INTEGER,
                    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'refused', 'withdrawn')),
                    closing_note_sealed BLOB CHECK (closing_note_sealed IS NULL OR closed_at IS NOT NULL),
                    CHECK ((closed_at IS NULL) = (outcome IS NULL)),
                    -- Only a requester whose identity was confirmed gets a right carried out.
                    CHECK (outcome IS NOT 'done' OR verified_at IS NOT NULL)
                );
                CREATE INDEX rights_requests_by_customer ON rights_requests(customer_id);
                CREATE INDEX rights_requests_open ON rights_requests(due_at) WHERE closed_at IS NULL;

                CREATE TABLE breaches (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    discovered_at INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL CHECK (recorded_at >= discovered_at),
                    -- Set when the breach concerns one customer: its summary is sealed under that key.
                    sealing_customer_id INTEGER REFERENCES customers(id),
                    summary_sealed BLOB CHECK (summary_sealed IS NOT NULL OR sealing_customer_id IS NOT NULL),
                    authority_decision TEXT CHECK (authority_decision IS NULL OR authority_decision IN ('reported', 'not-required')),
                    authority_at INTEGER CHECK (authority_at IS NULL OR authority_at >= discovered_at),
                    authority_sealed BLOB,
                    CHECK ((authority_decision IS NULL) = (authority_at IS NULL)),
                    CHECK ((authority_decision IS NULL) = (authority_sealed IS NULL))
                );
                CREATE TABLE breach_customers (
                    breach_id INTEGER NOT NULL REFERENCES breaches(id),
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    PRIMARY KEY (breach_id, customer_id)
                ) WITHOUT ROWID;
                CREATE INDEX breach_customers_by_customer ON breach_customers(customer_id);

                -- A notice is an amendment (by version) or a breach's; its text is never stored.
                CREATE TABLE notices (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('amendment', 'breach')),
                    version TEXT CHECK (version IS NULL OR length(version) BETWEEN 1 AND 32),
                    breach_id INTEGER UNIQUE REFERENCES breaches(id),
                    created_at INTEGER NOT NULL,
                    UNIQUE (kind, version),
                    CHECK ((kind = 'amendment') = (version IS NOT NULL)),
                    CHECK ((kind = 'breach') = (breach_id IS NOT NULL))
                );
                -- Per customer and channel: when it was handed over (NULL: not yet), and the failed tries.
                CREATE TABLE notice_deliveries (
                    notice_id INTEGER NOT NULL REFERENCES notices(id),
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    email_sent_at INTEGER,
                    email_attempts INTEGER NOT NULL DEFAULT 0 CHECK (email_attempts >= 0),
                    email_failed_at INTEGER,
                    sms_sent_at INTEGER,
                    PRIMARY KEY (notice_id, customer_id)
                ) WITHOUT ROWID;
                CREATE INDEX notice_deliveries_by_customer ON notice_deliveries(customer_id);

                -- Amendment notices sent before v5 went by SMS only; they become notices of their version.
                INSERT INTO notices (kind, version, created_at)
                    SELECT 'amendment', amendment_version, MIN(amendment_notified_at) FROM customers
                    WHERE amendment_version IS NOT NULL AND amendment_notified_at IS NOT NULL GROUP BY amendment_version;
                INSERT INTO notice_deliveries (notice_id, customer_id, sms_sent_at)
                    SELECT n.id, c.id, c.amendment_notified_at FROM customers c
                    JOIN notices n ON n.kind = 'amendment' AND n.version = c.amendment_version
                    WHERE c.amendment_notified_at IS NOT NULL;

                -- Erasure destroys the customer's key; the notes sealed under it go with it, the dates stay.
                CREATE TRIGGER customers_erase_register_notes AFTER UPDATE OF wrapped_key ON customers
                WHEN OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NULL BEGIN
                    UPDATE rights_requests SET note_sealed = NULL, verification_sealed = NULL, closing_note_sealed = NULL
                        WHERE customer_id = NEW.id;
                    UPDATE breaches SET summary_sealed = NULL WHERE sealing_customer_id = NEW.id;
                END;
                """)
        }
        return migrator
    }
}
