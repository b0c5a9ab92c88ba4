"""``python -m contract``: the ``hissuno-contract`` command, for tools that have the interpreter but not the script."""

from contract.cli import main

main()
