"""``streamlit run dashboard.py``, with the server warmed up before its first visitor.

Takes ``streamlit run``'s options (``python scripts/serve.py --server.port 8501``); ``make run``
starts the dashboard this way. While the server starts, a thread imports the app and fills the
process-wide caches (:func:`pages.frame.warm.warm_up`), so the first page after a restart costs
what any later first view costs rather than a second or more of imports and reads.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from streamlit.web import cli

    def warm() -> None:
        from pages.frame.warm import warm_up

        warm_up()

    threading.Thread(target=warm, name="metrics-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
