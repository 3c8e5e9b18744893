"""``python -m lockstep ARGS...`` runs the command line."""

from ._cli import main

main()
