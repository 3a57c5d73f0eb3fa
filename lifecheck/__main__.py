"""``python -m lifecheck`` runs the ``lifecheck`` command."""

from lifecheck.checker.commands.cli import main

main()
