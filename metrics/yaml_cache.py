"""YAML files read through a parse cache: parsing the registry and the text catalogue was a
sixth of a command's run (``python -m metrics ingest`` at 500 indicators).

Each file's parsed data (mappings, lists, text, numbers, dates) is kept under the SHA-256 of its
bytes in ``$XDG_CACHE_HOME/metrics/yaml`` (default ``~/.cache/metrics/yaml``), like Python's own
bytecode cache: a changed file has another key, and validation still runs on every load (only the
parsing is skipped). A cache that cannot be read or written is passed by; the file is parsed.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path

from metrics.errors import YamlSyntaxError

_FORMAT = "1"  # part of every key: bump it when what is stored changes
_ALLOWED = {("datetime", name) for name in ("date", "datetime", "timezone", "timedelta")}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only what a safe YAML load makes: no class but the datetime ones is ever looked up."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not YAML data")
        return super().find_class(module, name)


def cache_dir() -> Path:
    """Where parsed files are kept (the XDG cache folder of this user)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "metrics" / "yaml"


def read_yaml(path: Path) -> object:
    """The parsed content of the UTF-8 YAML file ``path``, as ``yaml.load`` with the safe loader
    gives it. Raises what reading raises (FileNotFoundError, UnicodeDecodeError) and
    YamlSyntaxError; nothing is cached for a file that does not parse."""
    data = Path(path).read_bytes()
    key = hashlib.sha256(data + _FORMAT.encode()).hexdigest()
    where = cache_dir() / f"{key}.pickle"
    try:
        return _SafeUnpickler(io.BytesIO(where.read_bytes())).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError):
        pass  # not there yet, or not ours: parse
    parsed = _parse(data.decode("utf-8"))
    _keep(where, parsed)
    return parsed


def _parse(text: str) -> object:
    import yaml  # here: a command whose files are all cached never imports the parser

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: ~8x faster
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc)) from None


def _keep(where: Path, parsed: object) -> None:
    """Write atomically (another process may read it at the same moment); a failure is no error."""
    import tempfile

    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=where.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(parsed, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(scratch, where)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        pass
