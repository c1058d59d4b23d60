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
from metrics.cli.table import table
from metrics.errors import MetricsError
from metrics.store import transfer
from metrics.store.connection import shown
from metrics.store.database import Store
from metrics.text import coded_error, t


def register(subparsers) -> None:
    """Add ``migrate`` and ``copy-db`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser(
        "migrate", help="create or upgrade the tables of a database (DuckDB or PostgreSQL)"
    )
    p.add_argument("--db", help=config.DB_HELP)
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
        print(t("dbadmin.up_to_date", args.lang, path=shown(target), version=now))
    else:
        was_text = was or t("dbadmin.empty", args.lang)
        print(t("dbadmin.migrated", args.lang, path=shown(target), version=now, was=was_text))
    return 0


def cmd_copy_db(args, _registry=None) -> int:
    lang = args.lang
    if args.source == args.target:
        raise coded_error(MetricsError, "dbadmin.same_database")
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
    rows = [
        [
            c.table,
            str(c.source_rows),
            str(c.target_rows),
            f"{c.source_sum[:16]} "
            + (t("dbadmin.same", lang) if c.ok else t("dbadmin.different", lang, checksum=c.target_sum[:16])),
        ]
        for c in report.checks
    ]
    print(table(t("dbadmin.columns", lang).split("|"), rows))
    if not report.ok:
        print(t("dbadmin.mismatch", lang))
        return 1
    print(t("dbadmin.copied", lang) if report.copied else t("dbadmin.already_there", lang))
    return 0
