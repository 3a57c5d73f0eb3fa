"""The benchmark's inputs, one per (scenario, lines), written once and cached.

    python bench/logs.py SCENARIO LINES OUT   (run by bench/run.py, with the worktree's
                                               lifecheck on PYTHONPATH)

The generated mixes are written by `lifecheck generate --seed 1 --mix M`; the others here,
from a stream of agent lifecycles the daemon could write (each agent created, started,
stopped 64 agents later and collected 64 after that, with realistic fields):

- ``agents200k``: that stream alone, a quarter as many agents as lines (200k at 800k);
- ``snapshot100k``: a store whose snapshot holds the first tenth as many agents as lines
  (100k at 1M), built with :func:`lifecheck.testing.snapshot_bytes` from the index the
  stream leaves, and a log of LINES lines that carries the stream on;
- ``channel20k``: a fiftieth as many agents as lines (20k at 1M), all in one channel,
  between messages posted there, stopped, then all collected at the end.

A cached file's name holds a hash of lifecheck/testing/*.py and of this file, so a log
made by an older generator is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("messages", "agents", "no-restarts")
BUILT = ("agents200k", "snapshot100k", "channel20k")
#: Agents alive at once in the lifecycle stream.
WINDOW = 64
_WORDS = ("swift", "river", "calm", "meadow", "bright", "cove", "quiet", "harbor", "amber")
_CONTENT = ("Reviewing the diff: the running set is updated but stopped_at is not. "
            "I pushed a fix for the flaky resume test; CI is green locally. ")  # fmt: skip

Event = tuple[str, dict[str, object]]


def version() -> str:
    """A hash of the code that writes the inputs."""
    digest = hashlib.sha256()
    for path in [*sorted((ROOT / "lifecheck" / "testing").glob("*.py")), Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def input_of(scenario: str, lines: int) -> Path:
    """The input of ``scenario`` at ``lines`` lines, written (in its own process) if not
    cached; a store is a directory."""
    suffix = "" if scenario == "snapshot100k" else ".jsonl"
    path = Path(tempfile.gettempdir()) / f"lifecheck-bench-{scenario}-{lines}-{version()}{suffix}"
    if path.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    if scenario in GENERATED:
        command = ["-m", "lifecheck", "generate", "--seed", "1", "--events", str(lines),
                   "--mix", scenario, "-o", str(partial)]  # fmt: skip
    else:
        command = [__file__, scenario, str(lines), str(partial)]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, *command], check=True, cwd=ROOT, env=env)
    partial.rename(path)
    return path


def _line(event: Event) -> bytes:
    variant, fields = event
    return json.dumps({variant: fields}, separators=(",", ":"), ensure_ascii=False).encode()


def _lifecycles(rng: random.Random, channel: str | None = None) -> Iterator[list[Event]]:
    """Step k: agent k created and started, agent k-64 stopped, agent k-128 collected
    (with ``channel``, never collected: every agent is listed in that channel)."""
    ids: list[str] = []
    for k in range(sys.maxsize):
        agent = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        ids.append(agent)
        name = f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{k}"
        session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        step: list[Event] = [
            ("AgentCreated", {"id": agent, "name": name, "kind": "Worker",
                              "agent_type": "midtown-developer", "provider": "ClaudeCode",
                              "channel": channel or f"dm-{name}", "task_id": None,
                              "bound_thread_id": None, "icon": None, "color": None}),
            ("AgentStarted", {"id": agent, "pid": 1000 + k, "session_id": session}),
        ]  # fmt: skip
        if k >= WINDOW:
            step.append(("AgentStopped", {"id": ids[k - WINDOW], "reason": "task completed"}))
        if k >= 2 * WINDOW and channel is None:
            step.append(("AgentGarbageCollected", {"id": ids[k - 2 * WINDOW]}))
        yield step


def _write(steps: Iterator[list[Event]], lines: int, out: Path) -> None:
    """The first ``lines`` events of ``steps`` as a log."""
    with out.open("wb") as log:
        written = 0
        for step in steps:
            log.writelines(_line(event) + b"\n" for event in step[: lines - written])
            written += len(step)
            if written >= lines:
                return


def _agents(lines: int, out: Path) -> None:
    _write(_lifecycles(random.Random(1)), lines, out)


def _channel(lines: int, out: Path) -> None:
    rng = random.Random(1)
    agents = max(lines // 50, 2 * WINDOW)
    ids, written = [], 0
    with out.open("wb") as log:
        for k, step in zip(range(agents), _lifecycles(rng, channel="midtown"), strict=False):
            ids.append(step[0][1]["id"])
            log.writelines(_line(event) + b"\n" for event in step)
            written += len(step)
            # Messages fill the lines the agents' events leave, evenly; the last stops and
            # every collection end the log.
            while written < (k + 1) * (lines - agents - WINDOW) // agents:
                message = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                           "channel": "midtown", "sender": step[0][1]["name"],
                           "content": _CONTENT * rng.randint(1, 3), "thread_id": None,
                           "auto_output": True}  # fmt: skip
                log.write(_line(("MessagePosted", message)) + b"\n")
                written += 1
        for agent in ids[-WINDOW:]:
            log.write(_line(("AgentStopped", {"id": agent, "reason": "task completed"})) + b"\n")
        for agent in ids:
            log.write(_line(("AgentGarbageCollected", {"id": agent})) + b"\n")


def _store(lines: int, out: Path) -> None:
    from lifecheck.checker.reading.agents import AgentIndex
    from lifecheck.checker.reading.events import EVENT_TYPES
    from lifecheck.checker.replay.projection import PROJECTIONS
    from lifecheck.testing import snapshot_bytes

    index, project, sequence = AgentIndex(), PROJECTIONS["d11b83e"], 0
    stream = _lifecycles(random.Random(1))
    for _, step in zip(range(lines // 10), stream, strict=False):
        for variant, fields in step:
            project(index, EVENT_TYPES[variant](**fields))
        sequence += len(step)
    out.mkdir()
    (out / f"snapshot-{sequence:04}.json").write_bytes(snapshot_bytes(index))
    _write(stream, lines, out / f"log-{sequence:04}.jsonl")


def main() -> None:
    scenario, lines, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    {"agents200k": _agents, "snapshot100k": _store, "channel20k": _channel}[scenario](lines, out)


if __name__ == "__main__":
    main()
