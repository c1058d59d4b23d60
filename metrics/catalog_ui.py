"""Page and chart text: ``key -> {"zh": ..., "en": ...}``."""

UI: dict[str, dict[str, str]] = {}
