"""`python -m coordinator` runs the command-line interface."""

import sys

from coordinator.cli import main

if __name__ == "__main__":
    sys.exit(main())
