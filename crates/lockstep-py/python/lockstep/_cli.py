"""The ``lockstep`` command installed with the package: the command line compiled into the
extension, so ``pip install lockstep`` is a complete install."""

import signal
import sys

from . import _lockstep


def main() -> None:
    """Run ``lockstep ARGS...`` with the process's arguments and exit with its code."""
    # The engine runs with the GIL released; Ctrl-C stops the whole command, as it does
    # the binary, instead of waiting for Python's handler to run.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(_lockstep.run_cli(["lockstep", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
