#!/usr/bin/env python3
"""Copies a registry filled on SQLite into a PostgreSQL schema, row for row, for the benchmark.

    bench/postgres-from-sqlite.py DATA_DIR SUPERUSER_DSN SCHEMA [--trackerd PATH]

Why: filling 1,000,000 customers through the registry's API on PostgreSQL runs at 100–150 adds
a second here (every statement a round trip through postgres-nio), about three hours; on SQLite
the same fill takes about 20 minutes. Both backends hold the same rows — the same sealed bytes,
blind indexes, ids and audit entries under the same master key — so the SQLite registry that
`trackerd-bench --registry-cache DIR --lookup-customers N` filled is copied as it is:

1. `trackerd init --registry …?schema=SCHEMA` makes the schema with every migration (a throw-away
   key in a temporary directory);
2. every table the two schemas share (not the migration records) is emptied and filled with
   COPY, triggers and foreign-key checks off for the session (a superuser's
   `session_replication_role = replica`), identity sequences moved past the copied ids;
3. the registry then answers to DATA_DIR's master key (its `vault.key-check` is the copied one),
   so `trackerd-bench --registry-cache DIR --lookup-registry URL` reuses it as schema
   bench_N and measures look-ups on it.

SUPERUSER_DSN is a psql connection string for a superuser (the test cluster's
`host=SOCKET_DIR port=PORT user=postgres dbname=trackerd_test`); the registry role of the URL
the bench gets must own SCHEMA, so the script hands it over at the end (--owner ROLE).
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

SKIP = {"registry_migrations", "grdb_migrations"}


def psql(dsn, sql, *, stdin=None, capture=False):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", dsn, "-c", sql],
                          input=stdin, check=True, text=stdin is None or isinstance(stdin, str),
                          capture_output=capture)


def copy_text(value, kind):
    if value is None:
        return "\\N"
    if kind == "bytea":
        return "\\\\x" + bytes(value).hex()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("superuser_dsn")
    parser.add_argument("schema")
    parser.add_argument("--registry-url", required=True, help="postgres://ROLE:PASSWORD@HOST:PORT/DB the registry role connects with")
    parser.add_argument("--owner", required=True, help="the registry role (owner of SCHEMA afterwards)")
    parser.add_argument("--trackerd", default=".build/release/trackerd")
    parser.add_argument("--own-number", default="+15550001111")
    options = parser.parse_args()

    database = os.path.join(options.data_dir, "registry.sqlite")
    if not os.path.exists(database):
        sys.exit(f"no SQLite registry at {database}")
    started = time.monotonic()
    psql(options.superuser_dsn, f"DROP SCHEMA IF EXISTS {options.schema} CASCADE")
    psql(options.superuser_dsn, f"CREATE SCHEMA {options.schema} AUTHORIZATION {options.owner}")
    url = options.registry_url + ("&" if "?" in options.registry_url else "?") + f"schema={options.schema}"
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([options.trackerd, "init", "--data-dir", os.path.join(scratch, "d"), "--registry", url,
                        "--own-number", options.own_number], check=True, stdout=subprocess.DEVNULL)

    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    listed = psql(options.superuser_dsn, f"""
        SELECT table_name, string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_schema = '{options.schema}' GROUP BY table_name""", capture=True).stdout
    target = {}
    for line in listed.splitlines():
        name, columns = line.split("|", 1)
        target[name] = [tuple(column.split(":", 1)) for column in columns.split(",")]
    shared = [name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
              if name in target and name not in SKIP]
    psql(options.superuser_dsn, f"TRUNCATE {', '.join(options.schema + '.' + name for name in shared)} CASCADE")

    rows_total = 0
    for name in shared:
        present = {row[1] for row in source.execute(f"PRAGMA table_info({name})")}
        columns = [(column, kind) for column, kind in target[name] if column in present]
        names = ", ".join(column for column, _ in columns)
        lines = []
        for row in source.execute(f"SELECT {names} FROM {name}"):
            lines.append("\t".join(copy_text(value, kind) for value, (_, kind) in zip(row, columns)))
        body = "\n".join(lines) + ("\n" if lines else "")
        script = (f"SET session_replication_role = replica;\n"
                  f"COPY {options.schema}.{name} ({names}) FROM STDIN;\n{body}\\.\n")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", options.superuser_dsn], input=script, text=True, check=True)
        rows_total += len(lines)
        print(f"   {name}: {len(lines)} rows", flush=True)

    psql(options.superuser_dsn, f"""
        DO $$ DECLARE entry record; BEGIN
          FOR entry IN SELECT c.table_name, c.column_name FROM information_schema.columns c
                       WHERE c.table_schema = '{options.schema}' AND c.is_identity = 'YES' LOOP
            EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE((SELECT max(%I) FROM %I.%I), 0) + 1, false)',
                           '{options.schema}.' || entry.table_name, entry.column_name, entry.column_name, '{options.schema}', entry.table_name);
          END LOOP; END $$""")
    for name in shared:
        psql(options.superuser_dsn, f"ALTER TABLE {options.schema}.{name} OWNER TO {options.owner}")
    psql(options.superuser_dsn, f"ANALYZE")
    print(f"   copied {rows_total} rows into schema {options.schema} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
