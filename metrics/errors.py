"""One exception class per kind of failure; each carries a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field


class MetricsError(Exception):
    """Base for failures the CLI and the pages turn into a sentence, never a traceback."""


class RegistryError(MetricsError):
    """The registry file is missing, unreadable or fails validation (all problems listed)."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n" + "\n".join(problems))


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where (row as Excel shows it, column), what, why."""

    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)


class IngestRefused(MetricsError):
    """A file was refused; nothing was written. ``problems`` lists every reason at once."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        super().__init__(f"{file_name}: refused, {len(problems)} problem(s)")


class ConfigError(MetricsError):
    """A ``METRICS_*`` setting has a value that cannot be used (every such setting listed)."""

    def __init__(self, problems: list[tuple[str, dict]], text: str = ""):
        self.problems = problems
        self.code, self.params = problems[0]
        self.key = f"auth.{self.code}"  # metrics.text.error_text renders the first one
        super().__init__(text or "; ".join(code for code, _ in problems))


class DatabaseLocked(MetricsError):
    """Another process (usually the running dashboard) holds the database file."""


class DatabaseError(MetricsError):
    """The database file cannot be opened or is not a database of this application."""


class PermissionDenied(MetricsError):
    """The signed-in user may not do this (wrong role or agency)."""


class AuthenticationFailed(MetricsError):
    """Wrong user name or password, a disabled account, or too many attempts."""


class NotFound(MetricsError):
    """An id named by the user (indicator, agency, upload, user) does not exist."""


class CatalogError(MetricsError):
    """The text catalogue's files are malformed (a key defined in two files, not a mapping)."""
