"""Test support for your own property tests: a model of the Midtown daemon that writes logs.

The checker never imports this package (an import-linter contract in pyproject.toml keeps
it so). Everything here works without Hypothesis except :mod:`lifecheck.testing.strategies`
(``pip install 'lifecheck[strategies]'``).

Hypothesis strategies, from :mod:`lifecheck.testing.strategies`:

``valid_logs(semantics="d11b83e", max_moves=60)``
    A :class:`GeneratedLog` the daemon could write in which lifecheck under ``semantics``
    finds nothing.
``faulty_logs(semantics="d11b83e", max_moves=60, max_faults=3)``
    A realistic log with up to ``max_faults`` injected faults, each recorded as a
    :class:`Fault` (its 1-based ``line`` and the ``rule`` it breaks); a malformed last line
    (``parse-error``) may end it, as the daemon would stop there too.
``agent_events()``
    Any one agent event, a struct of :mod:`lifecheck.checker.reading.events`;
    ``event_line(event)`` writes it as the daemon does.

Without Hypothesis, from here:

``FAULTS``
    The rules an injected fault can break, one rule per fault.
``Fault``, ``GeneratedLog``
    ``log.lines`` (the physical lines, bytes without newlines), ``log.faults``, and
    ``log.data()`` (the file's bytes) and ``log.text()`` (its text).
``generate(seed, *, events=1000, agents=None, faults=False, semantics="d11b83e", mix="messages")``
    A log of any length, the same for the same arguments; ``agents`` caps the agent
    records, ``faults`` injects about one per fifty moves, ``mix`` is one of ``MIXES``.
``stream(seed, ...)``
    The same log as it is made, in chunks of a few hundred lines (``lines``, ``faults``),
    in memory that does not grow with the log (``lifecheck generate`` writes it).
``MIXES``
    ``messages`` (four lines in five are messages), ``agents`` (mostly agent events,
    about one new agent in ten lines, daemon restarts) and ``no-restarts`` (that busy day
    from a daemon never restarted: records leak and pile up, and the log breaks rules).
``snapshot_bytes(index, now=EPOCH)``
    An agent index (:class:`lifecheck.checker.replay.projection.AgentIndex`) as the
    daemon's ``snapshot-NNNN.json``, to build a store around a log.

For example::

    from hypothesis import given
    from lifecheck.testing.strategies import faulty_logs

    @given(faulty_logs())
    def test_my_checker_finds_every_fault(log):
        found = {(f.line, f.rule) for f in my_checker(log.data())}
        assert {(f.line, f.rule) for f in log.faults} <= found

The modules: :mod:`~lifecheck.testing.fleet` (the daemon's agents and the lines it writes),
:mod:`~lifecheck.testing.moves` (what the daemon does), :mod:`~lifecheck.testing.faults`
(the faults), :mod:`~lifecheck.testing.mixes` (how often the daemon does what),
:mod:`~lifecheck.testing.generator` (seeded runs),
:mod:`~lifecheck.testing.strategies` (Hypothesis runs) and
:mod:`~lifecheck.testing.snapshot` (the snapshot writer).
"""

from lifecheck.testing.faults import FAULTS
from lifecheck.testing.fleet import Fault, GeneratedLog
from lifecheck.testing.generator import generate, stream
from lifecheck.testing.mixes import MIXES
from lifecheck.testing.snapshot import snapshot_bytes

# Only names that need no Hypothesis: the strategies are in lifecheck.testing.strategies.
__all__ = ["FAULTS", "MIXES", "Fault", "GeneratedLog", "generate", "snapshot_bytes", "stream"]
