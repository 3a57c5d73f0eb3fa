"""Test support for your own property tests: a model of the daemon that writes logs.

Never imported by the checker. :mod:`lifecheck.testing.strategies` needs Hypothesis
(``pip install 'lifecheck[strategies]'``).
"""
