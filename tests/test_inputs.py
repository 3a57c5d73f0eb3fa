"""Inputs (issue 15): folders searched for stores and logs, ``-`` for standard input, and
one ``--agent`` syntax in every command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lifecheck.checker.reading.inputs import find_inputs
from lifecheck.checker.reading.stdin import STDIN
from tests.builders import created, not_found, snapshot, started, stopped, store

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "checker" / "examples" / "pr-2330-crash-loop.jsonl"
REVIEWER = "7e0aa489-b967-459e-9f01-71b0e71c756f"
#: One stale pid (line 3) for a1.
STALE = [created("a1"), started("a1"), not_found()]


def lifecheck(*args: str | Path, stdin: bytes | None = None,
              home: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``lifecheck ARGS`` in a subprocess, with ``stdin`` as its standard input."""
    code = "from lifecheck.checker.commands.cli import main; main()"
    env = os.environ | ({"HOME": str(home)} if home else {})
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], input=stdin,
                          capture_output=True, cwd=ROOT, env=env, check=False)  # fmt: skip
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(),
                                       done.stderr.decode())  # fmt: skip


def checked(*args: str | Path, **kwargs: bytes | Path | None) -> list[str]:
    """The input paths ``check --format json`` reports."""
    result = lifecheck("check", "--format", "json", *args, **kwargs)  # type: ignore[arg-type]
    return [report["path"] for report in json.loads(result.stdout)["inputs"]]


def a_log(path: Path, lines: list[bytes] = STALE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


# --- folders --------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Stores and loose logs, nested; files that are neither; a hidden folder."""
    store(tmp_path / "b" / "events", {"log-0000.jsonl": STALE})
    deep: dict[str, bytes | list[bytes]] = {
        "snapshot-0002.json": snapshot([]), "log-0002.jsonl": [], "extra.jsonl": []
    }  # fmt: skip
    store(tmp_path / "a" / "deep" / "store", deep)
    (tmp_path / "a" / "deep" / "store" / "inner").mkdir()  # a store is not searched further
    a_log(tmp_path / "a" / "deep" / "store" / "inner" / "x.jsonl")
    a_log(tmp_path / "z.jsonl")
    a_log(tmp_path / "a" / "one.jsonl")
    a_log(tmp_path / "a" / "notes.txt")
    a_log(tmp_path / ".hidden" / "h.jsonl")
    a_log(tmp_path / "a" / ".h.jsonl")
    return tmp_path


def test_a_folder_is_searched_for_stores_and_loose_logs_in_sorted_order(tree: Path) -> None:
    assert find_inputs([str(tree)]) == [
        f"{tree}/a/deep/store",
        f"{tree}/a/one.jsonl",
        f"{tree}/b/events",
        f"{tree}/z.jsonl",
    ]


def test_what_is_given_is_read_as_it_is(tree: Path) -> None:
    """A store, a file of any name, a hidden folder given: each is one input, in order."""
    given = [f"{tree}/b/events", f"{tree}/a/notes.txt", f"{tree}/.hidden", f"{tree}/nowhere"]
    assert find_inputs(given) == [given[0], given[1], f"{tree}/.hidden/h.jsonl", given[3]]
    assert find_inputs(["-"]) == [STDIN]


def test_a_folder_with_nothing_to_check_stays_the_input(tmp_path: Path) -> None:
    a_log(tmp_path / "notes.txt")
    assert find_inputs([str(tmp_path)]) == [str(tmp_path)]
    result = lifecheck("check", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"lifecheck: {tmp_path}: no Midtown event log (log-NNNN.jsonl) or snapshot here\n"
    )


def test_symlinks_are_followed_once_and_loops_end(tmp_path: Path) -> None:
    """A link back up the tree and a second link to a store add nothing; a link that loops
    on itself is passed over unless it would be an input, which then says why."""
    store(tmp_path / "real", {"log-0000.jsonl": STALE})
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "back").symlink_to("..")
    (tmp_path / "zlink").symlink_to("real")
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "loop.jsonl").symlink_to("loop.jsonl")
    assert find_inputs([str(tmp_path)]) == [f"{tmp_path}/loop.jsonl", f"{tmp_path}/real"]
    result = lifecheck("check", tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"lifecheck: {tmp_path}/loop.jsonl: symlink loop")


def test_a_project_whose_events_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "events").symlink_to("events")
    (tmp_path / "project" / "other").symlink_to("other")
    result = lifecheck("check", tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"lifecheck: {tmp_path}/project/events: symlink loop")


def test_a_broken_events_link_is_an_input_that_says_why(tmp_path: Path) -> None:
    """As `check` alone reports a project's broken events link, a search does."""
    store(tmp_path / "app" / "events", {"log-0000.jsonl": STALE})
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "events").symlink_to("nowhere")
    (tmp_path / "gone" / "other").symlink_to("nowhere")  # not an input: passed over
    assert find_inputs([str(tmp_path)]) == [f"{tmp_path}/app/events", f"{tmp_path}/gone/events"]
    result = lifecheck("check", tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"lifecheck: {tmp_path}/gone/events: no such file or directory\n"


def test_a_folder_of_logs_is_checked_log_by_log(tmp_path: Path) -> None:
    a_log(tmp_path / "logs" / "monday.jsonl", [created("a1")])
    a_log(tmp_path / "logs" / "tuesday.jsonl")
    result = lifecheck("check", tmp_path / "logs")
    assert result.returncode == 1, result.stderr
    assert f"{tmp_path}/logs/tuesday.jsonl:3: warning stale-pid" in result.stdout
    assert "1 error, 1 warning, 0 info in 2 inputs" in result.stdout


def test_midtown_folders_find_the_stores_check_finds(tmp_path: Path) -> None:
    projects = tmp_path / ".midtown" / "projects"
    for name in ("app", "web"):
        store(projects / name / "events", {"log-0000.jsonl": STALE})
    expected = [f"{projects}/app/events", f"{projects}/web/events"]
    assert checked(home=tmp_path) == expected
    assert checked(tmp_path / ".midtown", home=tmp_path) == expected
    assert checked(projects, home=tmp_path) == expected


def test_a_store_says_which_log_it_replays_and_which_not(tmp_path: Path) -> None:
    """No snapshot: the daemon replays log-0000.jsonl only; the others are named."""
    store(tmp_path, {"log-0000.jsonl": [created("a1")], "log-0001.jsonl": STALE})
    result = lifecheck("check", tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[:2] == [
        f"{tmp_path}: log-0000.jsonl (1 event, 1 agent)",
        "  note: not replayed, as the daemon does not replay them: log-0001.jsonl",
    ]
    (report,) = json.loads(lifecheck("check", "--format", "json", tmp_path).stdout)["inputs"]
    assert report["log"] == f"{tmp_path}/log-0000.jsonl"


def test_coverage_searches_folders_too(tmp_path: Path) -> None:
    a_log(tmp_path / "logs" / "one.jsonl")
    result = lifecheck("coverage", "--format", "json", tmp_path / "logs")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["inputs"] == [f"{tmp_path}/logs/one.jsonl"]


# --- standard input -------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "sarif", "junit"])
def test_standard_input_is_a_log(output: str) -> None:
    """Every report is the file's, with <stdin> for its path (and so other fingerprints,
    which hash the input's path)."""
    data = EXAMPLE.read_bytes()
    piped = lifecheck("check", "--format", output, "-", stdin=data)
    direct = lifecheck("check", "--format", output, EXAMPLE)
    assert (piped.returncode, piped.stderr) == (1, "")
    named = str(EXAMPLE) if output != "sarif" else EXAMPLE.as_uri()
    shown = {"sarif": "%3Cstdin%3E", "junit": "&lt;stdin&gt;"}.get(output, "<stdin>")
    unprinted = re.compile(r'("(?:fingerprint|lifecheck/v1)": )"[0-9a-f]{32}"')
    assert unprinted.sub(r"\1", piped.stdout) == unprinted.sub(
        r"\1", direct.stdout.replace(named, shown)
    )


def test_standard_input_among_other_inputs_in_workers(tmp_path: Path) -> None:
    log = a_log(tmp_path / "a.jsonl")
    inputs = checked("-j", "2", log, "-", EXAMPLE, stdin=EXAMPLE.read_bytes())
    assert inputs == [str(log), "<stdin>", str(EXAMPLE)]
    result = lifecheck("check", "--format", "json", "-j", "2", log, "-", stdin=b"")
    assert json.loads(result.stdout)["inputs"][1]["events"] == 0


def test_standard_input_from_a_file_is_read_where_it_is() -> None:
    with EXAMPLE.open("rb") as file:
        done = subprocess.run([sys.executable, "-m", "lifecheck", "check", "-"], stdin=file,
                              capture_output=True, cwd=ROOT, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.startswith(b"<stdin> (61 events, 7 agents)\n")


def test_standard_input_twice_is_a_usage_error() -> None:
    result = lifecheck("check", "-", "-", stdin=b"")
    assert result.returncode == 2
    assert "standard input (-) can be read once" in result.stderr


def test_closed_standard_input_is_one_line() -> None:
    code = "import os, sys; os.close(0); from lifecheck.checker.commands.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "check", "-"], capture_output=True,
                          text=True, cwd=ROOT, check=False)  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("lifecheck: <stdin>: "), line


def test_explain_minimize_and_diagram_read_standard_input(tmp_path: Path) -> None:
    data = EXAMPLE.read_bytes()
    explained = lifecheck("explain", "-", "--agent", "btucker-reviewer", stdin=data)
    assert explained.stdout == lifecheck("explain", EXAMPLE, "--agent", "btucker-reviewer").stdout
    kept = lifecheck("minimize", "-", "--rule", "stale-pid", "-o", tmp_path / "r.jsonl",
                     stdin=data)  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert "of <stdin> still give stale-pid" in kept.stderr
    drawn = lifecheck("diagram", "--trace", "-", "--format", "dot", stdin=data)
    assert drawn.returncode == 0, drawn.stderr
    assert "<stdin>: 61 events" in drawn.stdout


# --- --agent ---------------------------------------------------------------------------------

#: Each command with --agent, given the agent.
AGENT_COMMANDS = {
    "explain": lambda agent: ["explain", EXAMPLE, "--agent", agent],
    "minimize": lambda agent: ["minimize", EXAMPLE, "--rule", "stale-pid", "--agent", agent],
    "diagram": lambda agent: ["diagram", "--trace", EXAMPLE, "--agent", agent, "--format", "dot"],
}


@pytest.mark.parametrize("command", AGENT_COMMANDS)
@pytest.mark.parametrize("agent", [REVIEWER, REVIEWER[:8], REVIEWER[:4], "btucker-reviewer"])
def test_every_command_takes_an_id_a_prefix_or_a_name(command: str, agent: str) -> None:
    """An id, its short id, a 4-character prefix: the same output; a name: exit 0 too."""
    result = lifecheck(*AGENT_COMMANDS[command](agent))
    assert result.returncode == 0, result.stderr
    if agent != "btucker-reviewer":
        assert result.stdout == lifecheck(*AGENT_COMMANDS[command](REVIEWER)).stdout


@pytest.mark.parametrize("command", AGENT_COMMANDS)
@pytest.mark.parametrize(
    ("agent", "says"),
    [
        ("nobody", "no agent with id, id prefix or name 'nobody' (its agents: btucker-reviewer, "),
        ("btucker-reviewr", "(did you mean btucker-reviewer?)"),
        ("7e0", "'7e0'; an id prefix needs 4 characters or more"),
    ],
)
def test_an_unknown_agent_is_exit_2_in_every_command(command: str, agent: str, says: str) -> None:
    result = lifecheck(*AGENT_COMMANDS[command](agent))
    assert (result.returncode, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"lifecheck: {EXAMPLE}: "), line
    assert says in line


@pytest.mark.parametrize("command", ["explain", "minimize", "diagram"])
def test_an_ambiguous_prefix_is_exit_2_listing_five_candidates(
    tmp_path: Path, command: str
) -> None:
    ids = [f"abcd{n:04d}-0000-4000-8000-000000000000" for n in range(7)]
    lines = [created(i, name=f"w{n}") for n, i in enumerate(ids)] + [started(ids[0])]
    log = a_log(tmp_path / "a.jsonl", lines)
    shapes: dict[str, list[str | Path]] = {
        "explain": ["explain", log], "diagram": ["diagram", "--trace", log],
        "minimize": ["minimize", log, "--rule", "stale-pid"],
    }  # fmt: skip
    args = shapes[command]
    result = lifecheck(*args, "--agent", "abcd")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line == (
        f"lifecheck: {log}: agent 'abcd' is ambiguous: 7 ids start with it: "
        + ", ".join(f"{i} (w{n})" for n, i in enumerate(ids[:5]))
        + " and 2 more"
    )
    assert lifecheck(*args, "--agent", "abcd0001").returncode in (0, 1)


def test_an_id_only_findings_name_is_an_agent(tmp_path: Path) -> None:
    """An event for a never-created id is a finding about it: explain tells it (exit 0)."""
    ghost = "0000000f-0000-4000-8000-000000000000"
    log = a_log(tmp_path / "a.jsonl", [created("a1"), stopped(ghost)])
    result = lifecheck("explain", log, "--agent", ghost[:8])
    assert result.returncode == 0, result.stderr
    assert "unknown-agent" in result.stdout


def test_a_name_wins_over_a_prefix(tmp_path: Path) -> None:
    """An exact id, then an exact name, then a prefix."""
    log = a_log(tmp_path / "a.jsonl", [created("beef0001", name="x"), created("b2", name="beef")])
    result = lifecheck("diagram", "--trace", log, "--agent", "beef", "--format", "dot")
    assert result.returncode == 0, result.stderr
    assert "path of beef (b2)" in result.stdout
