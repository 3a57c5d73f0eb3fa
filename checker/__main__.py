"""``python -m checker`` runs the ``lifecheck`` command."""

from checker.cli import main

main()
