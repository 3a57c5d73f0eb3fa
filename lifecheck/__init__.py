"""lifecheck: check Midtown agent event logs against an explicit lifecycle state machine.

The one installed top-level package. :mod:`lifecheck.spec` is the lifecycle as data (it
imports nothing else of lifecheck); :mod:`lifecheck.checker` reads logs, replays them and
reports; :mod:`lifecheck.testing` generates logs for tests and is never imported by the
checker. The import-linter contracts in pyproject.toml hold these layers.
"""
