"""`tmforge` and `python -m tmforge`: the command line.

The CLI's imports (numpy, polars, the encoder) take a second or more; a
Ctrl-C during them is handled like one during the work (one line, exit 130),
not with a traceback.
"""

import sys

from tmforge.errors import INTERRUPTED, INTERRUPTED_MESSAGE


def main() -> None:
    try:
        from tmforge.align.cli import main as cli_main
    except KeyboardInterrupt:
        print(f"error: {INTERRUPTED_MESSAGE}", file=sys.stderr)
        sys.exit(INTERRUPTED)
    cli_main()


if __name__ == "__main__":
    main()
