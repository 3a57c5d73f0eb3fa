"""Shell completion is click's own: ``_LIFECHECK_COMPLETE`` prints a script or completes."""

from __future__ import annotations

import os

import pytest

from tests.builders import run_cli


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F _lifecheck_completion lifecheck"),
     ("zsh", "#compdef lifecheck"), ("fish", "complete --no-files --command lifecheck")],
)  # fmt: skip
def test_the_source_mode_prints_a_completion_script(shell: str, marker: str) -> None:
    """``_LIFECHECK_COMPLETE=SHELL_source lifecheck`` prints the script to source."""
    done = run_cli(env=os.environ | {"_LIFECHECK_COMPLETE": f"{shell}_source"})
    assert (0, True) == (done.returncode, marker in done.stdout)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("lifecheck ch", ["plain,check"]),
        ("lifecheck rules stale-p", ["plain,stale-pid"]),
        ("lifecheck check --semantics p", ["plain,proposed"]),
    ],
)
def test_completing_offers_commands_rules_and_choices(words: str, expected: list[str]) -> None:
    """Bash's protocol (COMP_WORDS, COMP_CWORD): commands, rule ids, an option's choices."""
    env = os.environ | {
        "_LIFECHECK_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    done = run_cli(env=env)
    assert (0, expected) == (done.returncode, done.stdout.split())
