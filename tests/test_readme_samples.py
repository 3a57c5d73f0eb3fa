"""The README's samples of output are the real output of the command written above them.

A sample is a fenced block right after a ``<!-- generated: lifecheck ARGS -->`` line; run
from the repository root, ``lifecheck ARGS`` must print exactly the block (standard output).
``python -m pytest tests/test_readme_samples.py --update-golden`` rewrites the blocks.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.builders import run_cli

README = Path(__file__).parents[1] / "README.md"
SAMPLE = re.compile(r"^<!-- generated: lifecheck (?P<args>.+?) -->\n```\n(?P<text>.*?)```$",
                    re.MULTILINE | re.DOTALL)  # fmt: skip


def _output(args: str) -> str:
    return run_cli(*shlex.split(args)).stdout


def _sample(args: str) -> str:
    """The marker line and the fenced block of ``lifecheck ARGS``'s output."""
    return f"<!-- generated: lifecheck {args} -->\n```\n{_output(args)}```"


def test_every_generated_sample_is_the_real_output(update_golden: bool) -> None:
    text = README.read_text()
    samples = list(SAMPLE.finditer(text))
    assert any(m["args"].startswith("check ") for m in samples)  # the text report's sample
    if update_golden:
        text = SAMPLE.sub(lambda m: _sample(m["args"]), text)
        README.write_text(text)
        samples = list(SAMPLE.finditer(text))
    for sample in samples:
        assert sample["text"] == _output(sample["args"]), sample["args"]
