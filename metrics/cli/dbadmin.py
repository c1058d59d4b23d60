"""``migrate`` and ``copy-db``: setting up a database and moving a store between engines::

    python -m metrics migrate [--db FILE|URL]
    python -m metrics copy-db SOURCE TARGET [--replace]

``migrate`` brings the tables up to this program's schema (an operator runs it once against a new
PostgreSQL database; a DuckDB file is migrated when it is opened for writing as well).
``copy-db`` copies every upload, revision, user, audit row and withdrawal from SOURCE to TARGET
(each a DuckDB file or a ``postgresql://`` URL) in one transaction and prints, per table, the rows
and checksums of both sides. Running it again finds them equal and writes nothing. A URL is shown
without its password; pass the password with PGPASSWORD, ~/.pgpass or a service file.
"""

from __future__ import annotations

from metrics import config
from metrics.errors import MetricsError
from metrics.store import transfer
from metrics.store.connection import shown
from metrics.store.database import Store


def register(subparsers) -> None:
    """Add ``migrate`` and ``copy-db`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser(
        "migrate", help="create or upgrade the tables of a database (DuckDB or PostgreSQL)"
    )
    p.add_argument("--db", help="database (default: $METRICS_DB or data/progress.duckdb)")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of messages")
    p.set_defaults(handler=cmd_migrate, needs_store=False, needs_registry=False)

    p = subparsers.add_parser("copy-db", help="copy a whole store to another database, verified by checksums")
    p.add_argument("source", metavar="SOURCE", help="DuckDB file or postgresql:// URL to copy from")
    p.add_argument("target", metavar="TARGET", help="DuckDB file or postgresql:// URL to copy into")
    p.add_argument("--replace", action="store_true", help="empty a TARGET that holds other data first")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of messages")
    p.set_defaults(handler=cmd_copy_db, needs_store=False, needs_registry=False)


def cmd_migrate(args, _registry=None) -> int:
    target = config.database(args.db)
    store = Store.open(target)
    try:
        was, now = store.migrated_from, store.schema_version()
    finally:
        store.close()
    if was is None or was == now:
        print(f"{shown(target)}: schema version {now}, up to date; nothing to do")
    else:
        print(f"{shown(target)}: schema version {now} (was {was or 'empty'})")
    return 0


def cmd_copy_db(args, _registry=None) -> int:
    if args.source == args.target:
        raise MetricsError("SOURCE and TARGET are the same database")
    source = Store.open(args.source, read_only=True)
    try:
        target = Store.open(args.target)
        try:
            report = transfer.copy_store(source, target, replace=args.replace)
        finally:
            target.close()
    finally:
        source.close()
    print(f"{shown(args.source)} -> {shown(args.target)}")
    print(f"{'table':<14}{'source rows':>12}{'target rows':>12}  checksum (SHA-256, first 16)")
    for c in report.checks:
        same = "same" if c.ok else f"DIFFERENT: target {c.target_sum[:16]}"
        print(f"{c.table:<14}{c.source_rows:>12}{c.target_rows:>12}  {c.source_sum[:16]} {same}")
    if not report.ok:
        print("copy-db: the target does not match the source")
        return 1
    print(
        "copied; every row matches"
        if report.copied
        else "the target already held exactly these rows; nothing written"
    )
    return 0
