"""One exception class per kind of failure; each carries a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class MetricsError(Exception):
    """Base for failures the CLI and the pages turn into a sentence, never a traceback."""


class RegistryError(MetricsError):
    """The registry file is missing, unreadable or fails validation (all problems listed)."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n" + "\n".join(problems))


class YamlSyntaxError(MetricsError):
    """A YAML file (the registry, a catalogue file) does not parse; the parser's message says where."""


class ProblemCode(StrEnum):
    """Why a file is refused; each has the sentence ``problem.<code>`` in the text catalogue."""

    # the file as a whole
    FILE_EMPTY = "file_empty"
    NOT_TEXT = "not_text"
    BAD_ENCODING = "bad_encoding"
    OLD_XLS = "old_xls"
    NOT_A_WORKBOOK = "not_a_workbook"
    BAD_WORKBOOK = "bad_workbook"
    SHEET_MISSING = "sheet_missing"
    BAD_CSV = "bad_csv"
    NO_HEADER = "no_header"
    HEADER_ONLY = "header_only"
    MISSING_COLUMNS = "missing_columns"
    DUPLICATE_COLUMN = "duplicate_column"
    TOO_MANY_ROWS = "too_many_rows"

    # one row
    UNKNOWN_INDICATOR = "unknown_indicator"
    UNKNOWN_AGENCY = "unknown_agency"
    NOT_ALLOWED = "not_allowed"
    FORBIDDEN_AGENCY = "forbidden_agency"
    BAD_PERIOD = "bad_period"
    NOT_QUARTER_END = "not_quarter_end"
    PERIOD_TOO_EARLY = "period_too_early"
    PERIOD_FUTURE = "period_future"
    EMPTY_VALUE = "empty_value"
    NOT_NUMBER = "not_number"
    NOT_FINITE = "not_finite"
    TOO_LARGE = "too_large"
    NEGATIVE = "negative"
    PERCENT_SIGN = "percent_sign"
    PERCENT_RANGE = "percent_range"
    MILESTONE_RANGE = "milestone_range"
    OUT_OF_RANGE = "out_of_range"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where (row as Excel shows it, column), what, why."""

    code: ProblemCode
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", ProblemCode(self.code))  # a misspelt code fails here


class IngestRefused(MetricsError):
    """A file was refused; nothing was written. ``problems`` lists every reason at once."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        super().__init__(f"{file_name}: refused, {len(problems)} problem(s)")


@dataclass(frozen=True)
class Revert:
    """One value a file would set back to what it was before a later upload corrected it."""

    row: int | None  # as Excel shows it
    indicator_id: str
    period: str
    agency_id: str
    old_value: float  # the file's value: an earlier revision's
    current_value: float
    corrected_upload: int  # the upload that replaced the old value
    corrected_file: str
    corrected_by: str
    corrected_at: object  # naive UTC datetime
    corrected_note: str | None


class RevertHeld(MetricsError):
    """A file would undo later corrections; it was held and nothing was written."""

    def __init__(self, file_name: str, reverts: tuple[Revert, ...]):
        self.file_name = file_name
        self.reverts = reverts
        super().__init__(f"{file_name}: held, {len(reverts)} value(s) would undo a later correction")


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


class MailError(MetricsError):
    """The mail server is not configured, cannot be reached or refused a reminder."""


class CatalogError(MetricsError):
    """The text catalogue's files are malformed (a key defined in two files, not a mapping)."""
