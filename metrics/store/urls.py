"""Telling a PostgreSQL URL from a DuckDB file, and showing one without its password.

Apart from :mod:`metrics.store.postgres_engine` so that opening a DuckDB file, the zero-setup
default, never imports psycopg (a sixth of the CLI's start-up).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: str) -> bool:
    """Whether a ``--db``/``METRICS_DB`` value names a PostgreSQL database rather than a DuckDB file."""
    return str(target).startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """The URL as it may be shown: any password (in the authority or the query) replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://***"
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}{':***' if ':' in user else ''}@{host}"
    query = urlencode(
        [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query)], safe="=-/*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
