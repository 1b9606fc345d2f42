/// The registry's schema on PostgreSQL: the same migrations, by the same names, in PostgreSQL's SQL.
///
/// Issue #11. Its own list rather than one list with per-backend fragments: SQLite had to rebuild
/// `settings` and `audit` to widen a CHECK (v2, v3) where PostgreSQL alters a constraint in place,
/// triggers are functions here, and the types differ (BIGINT identities, BYTEA, SMALLINT flags) —
/// the fragments would be most of each migration. What must stay equal is checked by the tests:
/// the names and order (``RegistrySchema/migrationNames``), every rule of DESIGN.md "Data" (NOT
/// NULL, CHECK, foreign keys, unique blind indexes, the audit-action and setting-key tables, no
/// column that could hold a message), and every table and column name, which the registry's one
/// set of queries reads. PostgreSQL alone adds `registry_changes`, the counter the sender look-up's
/// tables bump for ``Registry/changeToken()``. A shipped migration is never edited.
enum PostgresSchema {
    static let migrations: [(name: String, script: String)] = [
        (RegistrySchema.migrationNames[0], v1),
        (RegistrySchema.migrationNames[1], v2),
        (RegistrySchema.migrationNames[2], v3),
        (RegistrySchema.migrationNames[3], v4),
        (RegistrySchema.migrationNames[4], v5),
        ("v6 (PostgreSQL): the gateways' relay ledger", v6),
    ]

    /// Issue #11: which gateway relays a report that reached several. A keyed digest (HMAC under a
    /// key derived from the master key, which stays in the gateways' data directories) of sender,
    /// SCTS, concatenation reference and text: no body, nothing a reader of the database can turn
    /// back into a position. UNLOGGED: the claims are minutes old at most and never needed after a
    /// server crash, so they stay out of the WAL (and its archives and standbys) altogether.
    static let v6 = """
        CREATE UNLOGGED TABLE relay_claims (
            digest BYTEA PRIMARY KEY CHECK (octet_length(digest) = 16),
            gateway TEXT NOT NULL CHECK (length(gateway) BETWEEN 1 AND 64),
            claimed_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            done SMALLINT NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
        );
        CREATE INDEX relay_claims_expiry ON relay_claims (expires_at);
        """

    static let v1 = """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY CHECK (key IN ('gateway.own-number', 'numbers.default-calling-code', 'vault.key-check', 'vault.shred-count')),
            value BYTEA NOT NULL
        );

        CREATE TABLE customers (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated', 'erased')),
            created_at BIGINT NOT NULL,
            adult_attested_at BIGINT NOT NULL,
            terminated_at BIGINT,
            erased_at BIGINT,
            dispute_hold SMALLINT NOT NULL DEFAULT 0 CHECK (dispute_hold IN (0, 1)),
            wrapped_key BYTEA,
            name_sealed BYTEA,
            address_sealed BYTEA,
            email_sealed BYTEA,
            card_token_sealed BYTEA,
            card_last4_sealed BYTEA,
            CHECK ((status = 'active') = (terminated_at IS NULL)),
            CHECK ((status = 'erased') = (erased_at IS NOT NULL)),
            CHECK ((status = 'erased') = (wrapped_key IS NULL)),
            CHECK (status = 'erased' OR (name_sealed IS NOT NULL AND address_sealed IS NOT NULL AND email_sealed IS NOT NULL)),
            CHECK (status <> 'erased' OR (name_sealed IS NULL AND address_sealed IS NULL AND email_sealed IS NULL
                                          AND card_token_sealed IS NULL AND card_last4_sealed IS NULL)),
            CHECK ((card_token_sealed IS NULL) = (card_last4_sealed IS NULL))
        );

        CREATE TABLE numbers (
            blind_index BYTEA PRIMARY KEY CHECK (length(blind_index) = 32),
            kind TEXT NOT NULL CHECK (kind IN ('phone', 'tracker', 'gateway')),
            UNIQUE (blind_index, kind)
        );

        CREATE TABLE phones (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            blind_index BYTEA NOT NULL UNIQUE,
            number_kind TEXT NOT NULL DEFAULT 'phone' CHECK (number_kind = 'phone'),
            number_sealed BYTEA NOT NULL,
            consents SMALLINT NOT NULL DEFAULT 1 CHECK (consents IN (0, 1)),
            created_at BIGINT NOT NULL,
            FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
        );
        CREATE INDEX phones_by_customer ON phones(customer_id);

        CREATE TABLE trackers (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
            blind_index BYTEA NOT NULL UNIQUE,
            number_kind TEXT NOT NULL DEFAULT 'tracker' CHECK (number_kind = 'tracker'),
            number_sealed BYTEA NOT NULL,
            model TEXT NOT NULL CHECK (model IN ('tk103', 'xexun', 'gt06', 'teltonika', 'generic')),
            password_sealed BYTEA NOT NULL,
            label_sealed BYTEA,
            created_at BIGINT NOT NULL,
            FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
        );
        CREATE INDEX trackers_by_customer ON trackers(customer_id);

        -- A deleted phone or tracker (customer erased, number removed) frees its number.
        CREATE FUNCTION release_number() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM numbers WHERE blind_index = OLD.blind_index AND kind = TG_ARGV[0];
            RETURN NULL;
        END $$;
        CREATE TRIGGER phones_release_number AFTER DELETE ON phones FOR EACH ROW EXECUTE FUNCTION release_number('phone');
        CREATE TRIGGER trackers_release_number AFTER DELETE ON trackers FOR EACH ROW EXECUTE FUNCTION release_number('tracker');

        -- Only an active customer gains phones or trackers.
        CREATE FUNCTION need_active_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT status FROM customers WHERE id = NEW.customer_id) IS DISTINCT FROM 'active' THEN
                RAISE EXCEPTION 'customer is not active' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER phones_need_active_customer BEFORE INSERT ON phones FOR EACH ROW EXECUTE FUNCTION need_active_customer();
        CREATE TRIGGER trackers_need_active_customer BEFORE INSERT ON trackers FOR EACH ROW EXECUTE FUNCTION need_active_customer();

        -- Metadata only: who (OS user), when, what, about which ids. No free text, no PII.
        CREATE TABLE audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
            action TEXT NOT NULL CHECK (action IN (
                'customer.add', 'phone.add', 'tracker.add',
                'phone.consent-withdrawn', 'phone.consent-given',
                'customer.terminate', 'customer.erase',
                'customer.dispute-hold', 'customer.dispute-release',
                'gateway.own-number-set', 'settings.default-calling-code-set')),
            customer_id BIGINT,
            subject_id BIGINT
        );
        CREATE INDEX audit_by_time ON audit(at);

        -- What Registry.changeToken() reads: bumped by every statement that changes a table the
        -- sender look-up reads, so another gateway's change is seen without reading those tables.
        CREATE TABLE registry_changes (
            id SMALLINT PRIMARY KEY CHECK (id = 1),
            version BIGINT NOT NULL
        );
        INSERT INTO registry_changes (id, version) VALUES (1, 0);
        CREATE FUNCTION registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE registry_changes SET version = version + 1 WHERE id = 1;
            RETURN NULL;
        END $$;
        CREATE TRIGGER customers_changed AFTER INSERT OR UPDATE OR DELETE ON customers FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        CREATE TRIGGER phones_changed AFTER INSERT OR UPDATE OR DELETE ON phones FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        CREATE TRIGGER trackers_changed AFTER INSERT OR UPDATE OR DELETE ON trackers FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        """

    static let v2 = """
        -- PostgreSQL widens a CHECK in place where SQLite rebuilt the tables.
        ALTER TABLE settings DROP CONSTRAINT settings_key_check, ADD CONSTRAINT settings_key_check CHECK (key IN (
            'gateway.own-number', 'numbers.default-calling-code', 'vault.key-check', 'vault.shred-count',
            'retention.after-termination', 'retention.audit', 'retention.sweep-interval'));
        ALTER TABLE audit DROP CONSTRAINT audit_action_check, ADD CONSTRAINT audit_action_check CHECK (action IN (
            'customer.add', 'phone.add', 'tracker.add',
            'phone.consent-withdrawn', 'phone.consent-given',
            'customer.terminate', 'customer.erase',
            'customer.dispute-hold', 'customer.dispute-release',
            'gateway.own-number-set', 'settings.default-calling-code-set',
            'customer.show', 'customer.export', 'customer.update', 'customer.purge',
            'phone.remove', 'tracker.remove', 'tracker.provision',
            'notice.amendment', 'notice.breach', 'settings.set'));
        CREATE INDEX audit_by_customer ON audit(customer_id);

        ALTER TABLE customers ADD COLUMN amendment_version TEXT CHECK (amendment_version IS NULL OR length(amendment_version) BETWEEN 1 AND 32);
        ALTER TABLE customers ADD COLUMN amendment_notified_at BIGINT;
        ALTER TABLE customers ADD COLUMN breach_notified_at BIGINT;
        ALTER TABLE customers ADD COLUMN dispute_note_sealed BYTEA;
        ALTER TABLE customers ADD COLUMN terminated_under_amendment SMALLINT NOT NULL DEFAULT 0 CHECK (terminated_under_amendment IN (0, 1));
        """

    static let v3 = """
        CREATE TABLE audit_actions (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 3 AND 48));
        INSERT INTO audit_actions (name) VALUES
            ('customer.add'), ('phone.add'), ('tracker.add'),
            ('phone.consent-withdrawn'), ('phone.consent-given'),
            ('customer.terminate'), ('customer.erase'),
            ('customer.dispute-hold'), ('customer.dispute-release'),
            ('gateway.own-number-set'), ('settings.default-calling-code-set'),
            ('customer.show'), ('customer.export'), ('customer.update'), ('customer.purge'),
            ('phone.remove'), ('tracker.remove'), ('tracker.provision'),
            ('notice.amendment'), ('notice.breach'), ('settings.set');
        CREATE TABLE setting_keys (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 3 AND 48));
        INSERT INTO setting_keys (name) VALUES
            ('gateway.own-number'), ('numbers.default-calling-code'), ('vault.key-check'), ('vault.shred-count'),
            ('retention.after-termination'), ('retention.audit'), ('retention.sweep-interval');
        ALTER TABLE settings DROP CONSTRAINT settings_key_check, ADD CONSTRAINT settings_key_fkey FOREIGN KEY (key) REFERENCES setting_keys(name);
        ALTER TABLE audit DROP CONSTRAINT audit_action_check, ADD CONSTRAINT audit_action_fkey FOREIGN KEY (action) REFERENCES audit_actions(name);
        """

    static let v4 = """
        INSERT INTO audit_actions (name) VALUES ('gateway.number-add'), ('gateway.number-remove');

        -- The operator's own numbers, not customers' PII: kept in clear for the daemon.
        CREATE TABLE gateway_numbers (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            e164 TEXT NOT NULL UNIQUE CHECK (e164 ~ '^[+][1-9][0-9]{7,14}$'),
            blind_index BYTEA NOT NULL UNIQUE,
            number_kind TEXT NOT NULL DEFAULT 'gateway' CHECK (number_kind = 'gateway'),
            created_at BIGINT NOT NULL,
            FOREIGN KEY (blind_index, number_kind) REFERENCES numbers(blind_index, kind)
        );
        CREATE TRIGGER gateway_numbers_release_number AFTER DELETE ON gateway_numbers FOR EACH ROW EXECUTE FUNCTION release_number('gateway');

        INSERT INTO gateway_numbers (e164, blind_index, created_at)
        SELECT convert_from(s.value, 'UTF8'), n.blind_index,
               COALESCE((SELECT MAX(at) FROM audit WHERE action = 'gateway.own-number-set'), CAST(extract(epoch FROM now()) AS BIGINT))
        FROM settings s JOIN numbers n ON n.kind = 'gateway'
        WHERE s.key = 'gateway.own-number' AND convert_from(s.value, 'UTF8') ~ '^[+][1-9][0-9]{7,14}$';
        DELETE FROM settings WHERE key = 'gateway.own-number';
        DELETE FROM setting_keys WHERE name = 'gateway.own-number';

        -- Which gateway numbers a tracker obeys (what provisioning authorised).
        CREATE TABLE tracker_gateway_numbers (
            tracker_id BIGINT NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,
            gateway_number_id BIGINT NOT NULL REFERENCES gateway_numbers(id) ON DELETE CASCADE,
            provisioned_at BIGINT NOT NULL,
            PRIMARY KEY (tracker_id, gateway_number_id)
        );
        CREATE INDEX tracker_gateway_numbers_by_number ON tracker_gateway_numbers(gateway_number_id);
        CREATE TRIGGER gateway_numbers_changed AFTER INSERT OR UPDATE OR DELETE ON gateway_numbers FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        CREATE TRIGGER tracker_gateway_numbers_changed AFTER INSERT OR UPDATE OR DELETE ON tracker_gateway_numbers FOR EACH STATEMENT EXECUTE FUNCTION registry_changed();
        """

    static let v5 = """
        INSERT INTO audit_actions (name) VALUES
            ('request.open'), ('request.verify'), ('request.close'), ('request.show'),
            ('breach.record'), ('breach.reported'), ('breach.show'),
            ('notice.sms'), ('notice.email-failed');
        INSERT INTO setting_keys (name) VALUES ('rights.deadline');

        CREATE TABLE rights_requests (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            kind TEXT NOT NULL CHECK (kind IN ('access', 'correction', 'erasure', 'objection')),
            channel TEXT CHECK (channel IS NULL OR channel IN ('email', 'letter', 'phone', 'sms')),
            received_at BIGINT NOT NULL,
            logged_at BIGINT NOT NULL CHECK (logged_at >= received_at),
            due_at BIGINT NOT NULL CHECK (due_at > received_at),
            note_sealed BYTEA,
            verified_at BIGINT,
            verification_sealed BYTEA CHECK (verification_sealed IS NULL OR verified_at IS NOT NULL),
            copy_produced_at BIGINT CHECK (copy_produced_at IS NULL OR kind = 'access'),
            closed_at BIGINT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'refused', 'withdrawn')),
            closing_note_sealed BYTEA CHECK (closing_note_sealed IS NULL OR closed_at IS NOT NULL),
            CHECK ((closed_at IS NULL) = (outcome IS NULL)),
            -- Only a requester whose identity was confirmed gets a right carried out.
            CHECK (outcome IS DISTINCT FROM 'done' OR verified_at IS NOT NULL)
        );
        CREATE INDEX rights_requests_by_customer ON rights_requests(customer_id);
        CREATE INDEX rights_requests_open ON rights_requests(due_at) WHERE closed_at IS NULL;

        CREATE TABLE breaches (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            discovered_at BIGINT NOT NULL,
            recorded_at BIGINT NOT NULL CHECK (recorded_at >= discovered_at),
            sealing_customer_id BIGINT REFERENCES customers(id),
            summary_sealed BYTEA CHECK (summary_sealed IS NOT NULL OR sealing_customer_id IS NOT NULL),
            authority_decision TEXT CHECK (authority_decision IS NULL OR authority_decision IN ('reported', 'not-required')),
            authority_at BIGINT CHECK (authority_at IS NULL OR authority_at >= discovered_at),
            authority_sealed BYTEA,
            CHECK ((authority_decision IS NULL) = (authority_at IS NULL)),
            CHECK ((authority_decision IS NULL) = (authority_sealed IS NULL))
        );
        CREATE TABLE breach_customers (
            breach_id BIGINT NOT NULL REFERENCES breaches(id),
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            PRIMARY KEY (breach_id, customer_id)
        );
        CREATE INDEX breach_customers_by_customer ON breach_customers(customer_id);

        CREATE TABLE notices (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('amendment', 'breach')),
            version TEXT CHECK (version IS NULL OR length(version) BETWEEN 1 AND 32),
            breach_id BIGINT UNIQUE REFERENCES breaches(id),
            created_at BIGINT NOT NULL,
            UNIQUE (kind, version),
            CHECK ((kind = 'amendment') = (version IS NOT NULL)),
            CHECK ((kind = 'breach') = (breach_id IS NOT NULL))
        );
        CREATE TABLE notice_deliveries (
            notice_id BIGINT NOT NULL REFERENCES notices(id),
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            email_sent_at BIGINT,
            email_attempts BIGINT NOT NULL DEFAULT 0 CHECK (email_attempts >= 0),
            email_failed_at BIGINT,
            sms_sent_at BIGINT,
            PRIMARY KEY (notice_id, customer_id)
        );
        CREATE INDEX notice_deliveries_by_customer ON notice_deliveries(customer_id);

        INSERT INTO notices (kind, version, created_at)
            SELECT 'amendment', amendment_version, MIN(amendment_notified_at) FROM customers
            WHERE amendment_version IS NOT NULL AND amendment_notified_at IS NOT NULL GROUP BY amendment_version;
        INSERT INTO notice_deliveries (notice_id, customer_id, sms_sent_at)
            SELECT n.id, c.id, c.amendment_notified_at FROM customers c
            JOIN notices n ON n.kind = 'amendment' AND n.version = c.amendment_version
            WHERE c.amendment_notified_at IS NOT NULL;

        -- Erasure destroys the customer's key; the notes sealed under it go with it, the dates stay.
        CREATE FUNCTION customers_erase_register_notes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE rights_requests SET note_sealed = NULL, verification_sealed = NULL, closing_note_sealed = NULL
                WHERE customer_id = NEW.id;
            UPDATE breaches SET summary_sealed = NULL WHERE sealing_customer_id = NEW.id;
            RETURN NULL;
        END $$;
        CREATE TRIGGER customers_erase_register_notes AFTER UPDATE OF wrapped_key ON customers FOR EACH ROW
            WHEN (OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NULL) EXECUTE FUNCTION customers_erase_register_notes();
        """
}
