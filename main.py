"""Start the Coordinator desktop app.

    python main.py [--db PATH] [--demo]
    python main.py --db PATH --screenshot FILE [--view contacts] [--size 1280x800]

Everything happens in `ui.app.run`; this file only makes `python main.py` work from a
checkout.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
