"""The ``lifecheck`` command line."""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import click
import msgspec

from lifecheck.checker.check import (
    InputReport,
    check_path,
    timeline_of,
    trace_overlay,
)
from lifecheck.checker.commands.progress import Progress, stderr_bar
from lifecheck.checker.commands.speed import niced_pool, tuned_for_reading
from lifecheck.checker.reading.store import InputError, locate, read_snapshot, reason
from lifecheck.checker.replay.engine import DEFAULT_SEMANTICS
from lifecheck.checker.reports.diagrams import (
    FORMATS,
    GraphvizMissing,
    render_diagram,
    write_all,
)
from lifecheck.checker.reports.text import (
    EXPLAINED,
    render_coverage,
    render_facts,
    render_text,
    to_json,
)
from lifecheck.spec import LIFECYCLE, SEMANTICS, InvalidSpec, Spec
from lifecheck.spec.catalogue import RULES, Severity
from lifecheck.spec.model import Transition
from lifecheck.spec.validate import validate

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXAMPLE = "pr-2330-crash-loop.jsonl"

_CHECK_EPILOG = """\b
Examples:
  lifecheck check                                  # this machine's Midtown stores
  lifecheck check ~/.midtown/projects/app/events   # one event-store directory
  lifecheck check log-0000.jsonl --semantics 3d1b4c5d
  lifecheck check logs/*.jsonl --format json --fail-on error
  lifecheck check STORE --format sarif -o lifecheck.sarif     # for code scanning

\b
Exit codes: 0 no error or warning; 1 findings (--fail-on error ignores warnings);
2 an input cannot be read; 3 internal error.
"""


_OUTPUT_FILE = click.option(
    "-o",
    "--output-file",
    "target",
    type=click.Path(dir_okay=False),
    help="Write here instead of standard output.",
)
_SEMANTICS = click.option(
    "--semantics", type=click.Choice(SEMANTICS), default=DEFAULT_SEMANTICS, show_default=True,
    help="Which Midtown version's projection to draw or replay.",
)  # fmt: skip


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  lifecheck check                              # this machine's Midtown stores
  lifecheck check log-0000.jsonl --format json
  lifecheck diagram --trace log-0000.jsonl --format svg -o trace.svg
  lifecheck coverage log-0000.jsonl
  lifecheck generate --faults --seed 7 -o log.jsonl --expect expected.json

Run 'lifecheck COMMAND --help' for each command's options and examples.""",
)
@click.version_option(package_name="lifecheck", prog_name="lifecheck")
def cli() -> None:
    """Check Midtown agent event logs against the agent lifecycle spec."""


@cli.command(epilog=_CHECK_EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif", "junit", "html"]),
    default="text",
    show_default=True,
    help="Report for people; JSON for tools; SARIF 2.1.0 for code scanning; JUnit XML "
    "for CI test reports; one self-contained HTML page (use -o).",
)
@_SEMANTICS
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: only on a terminal).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Processes to use: several inputs are checked at once, and a big log (16 MB or "
    "more) is validated in segments while this process replays it. The output is the "
    "same as with -j 1.",
)
@_OUTPUT_FILE
@click.option(
    "--explain/--no-explain",
    default=None,
    help="Explain every finding in the text report (default: the first five), or none. "
    "JSON and SARIF always carry the explanations.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Read line by line with every serde rule, also rejecting a key repeated in one "
    "object (slower; the default reader keeps the last value, as msgspec does).",
)
def check(
    paths: tuple[str, ...],
    output: str,
    semantics: str,
    fail_on: str,
    color: str,
    jobs: int,
    target: str | None,
    explain: bool | None,
    exact: bool,
) -> None:
    """Replay logs or event-store directories and report every forbidden state.

    A PATH is a log file (log-NNNN.jsonl) or a Midtown event-store directory; several
    PATHs are checked independently. With no PATH, check the stores under
    ~/.midtown/projects/*/events, or the bundled example when there are none.
    """
    # A bar only for people watching a terminal, never in JSON or CI output.
    progress = output == "text" and sys.stderr.isatty() and not os.environ.get("CI")
    inputs = list(paths or _default_inputs())
    reports = check_paths(
        inputs, semantics, jobs, exact=exact, progress=progress, timelines=output == "html"
    )
    for report in reports:
        if report.error is not None:
            click.echo(f"lifecheck: {report.error}", err=True)
    code = _exit_code(reports, Severity(fail_on))
    if output == "json":
        document = to_json(reports, semantics)
    elif output == "sarif":
        from lifecheck.checker.reports.sarif import to_sarif

        document = to_sarif(reports, semantics)
    elif output == "junit":
        from lifecheck.checker.reports.junit import to_junit

        document = to_junit(reports, semantics, Severity(fail_on))
    elif output == "html":
        from lifecheck.checker.reports.html import to_html

        document = to_html(reports, semantics)
    else:
        colour = color == "always" or (
            color == "auto" and target is None and sys.stdout.isatty()
            and "NO_COLOR" not in os.environ
        )  # fmt: skip
        explained = EXPLAINED if explain is None else (None if explain else 0)
        document = render_text(reports, semantics, colour=colour, explain=explained).encode()
    _write(document, target)
    sys.exit(code)


def check_paths(
    paths: list[str],
    semantics: str,
    jobs: int = 1,
    *,
    exact: bool = False,
    progress: bool = False,
    timelines: bool = False,
) -> list[InputReport]:
    """Check each path; with ``jobs`` > 1 in a pool of processes, in the same order."""
    check_one = partial(check_path, semantics=semantics, exact=exact, timelines=timelines)
    with tuned_for_reading():
        if jobs == 1 or len(paths) == 1:
            meter = _progress_meter if progress else None
            return [check_one(path, jobs=jobs, pool=niced_pool, progress=meter) for path in paths]
        from concurrent.futures import ProcessPoolExecutor  # 20 ms of imports, only for --jobs

        with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
            return list(pool.map(check_one, paths))


def _progress_meter(label: str, size: int) -> Progress:
    return Progress(size, stderr_bar(label))


@contextmanager
def _exit_if_unreadable() -> Iterator[None]:
    """An input that cannot be read: one line on stderr, exit 2."""
    try:
        yield
    except InputError as error:
        click.echo(f"lifecheck: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        click.echo(f"lifecheck: {error.filename}: {reason(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)


def _write(data: bytes, target: str | None) -> None:
    """Write to ``target``, or to standard output (a closed pipe there is not an error)."""
    if target is not None:
        Path(target).write_bytes(data)
        return
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _json(document: object) -> bytes:
    """Indented JSON with a final newline."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def _default_inputs() -> list[str]:
    stores = sorted(str(p) for p in (Path.home() / ".midtown" / "projects").glob("*/events"))
    if stores:
        return stores
    example = str(Path(__file__).parents[1] / "examples" / EXAMPLE)
    click.echo(
        f"lifecheck: no Midtown stores under ~/.midtown/projects; checking the bundled "
        f"example {example}",
        err=True,
    )
    return [example]


def _exit_code(reports: list[InputReport], fail_on: Severity) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    failing = {Severity.ERROR} if fail_on is Severity.ERROR else {Severity.ERROR, Severity.WARNING}
    if any(f.severity in failing for r in reports for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def main() -> None:
    """Entry point: run the CLI; any unexpected error is one line and exit code 3."""
    try:
        cli.main(prog_name="lifecheck")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the one place a bug becomes a line instead of a traceback
        click.echo(f"lifecheck: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)


_DIAGRAM_EPILOG = """\b
Examples:
  lifecheck diagram                                # Mermaid of the default version
  lifecheck diagram --format svg -o lifecycle.svg  # needs Graphviz's dot
  lifecheck diagram --trace log-0000.jsonl --agent btucker-reviewer --format svg -o t.svg
  lifecheck diagram --all diagrams/                # every version, .mmd .dot .svg
"""


@cli.command(epilog=_DIAGRAM_EPILOG)
@click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="mermaid",
    show_default=True,
    help="Mermaid and DOT are text; SVG and PNG need Graphviz.",
)
@_SEMANTICS
@_OUTPUT_FILE
@click.option("--trace", type=click.Path(), help="Overlay what this log or store did.")
@click.option("--agent", help="With --trace: number this agent's path (id, id prefix or name).")
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False),
    help="Write every version's .mmd, .dot and .svg into this directory.",
)
def diagram(output: str, semantics: str, target: str | None, trace: str | None,
            agent: str | None, all_dir: str | None) -> None:  # fmt: skip
    """Draw the lifecycle spec, forbidden states and transitions in red.

    With --trace, each transition is labelled with how often the log took it, untaken ones
    are dashed, and forbidden states show how often the log entered them.
    """
    try:
        if all_dir is not None:
            for path in write_all(Path(all_dir)):
                click.echo(path)
            return
        overlay = None
        if trace is not None:
            overlay = trace_overlay(trace, semantics, agent)
        elif agent is not None:
            raise click.UsageError("--agent needs --trace")
        data = render_diagram(semantics, output, overlay)
    except (InputError, GraphvizMissing) as error:
        click.echo(f"lifecheck: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    if target is None and output == "png" and sys.stdout.isatty():
        raise click.UsageError("PNG is binary: write it to a file with -o")
    _write(data, target)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_SEMANTICS
def coverage(paths: tuple[str, ...], output: str, semantics: str) -> None:
    """How often the logs took each spec transition, and which forbidden ones they hit.

    Counts are exactly the transitions 'lifecheck check' replays. Exit 2 if an input
    cannot be read, else 0.
    """
    reports = [check_path(path, semantics) for path in paths]
    taken: Counter[Transition] = Counter()
    for report in reports:
        if report.error is not None:
            click.echo(f"lifecheck: {report.error}", err=True)
        taken.update(report.taken)
    from lifecheck.spec.analysis import (
        coverage,  # networkx: kept out of `lifecheck check`'s start-up
    )

    result = coverage(LIFECYCLE, semantics, taken)
    result["inputs"] = [r.path for r in reports]
    if output == "json":
        sys.stdout.buffer.write(_json(result))
    else:
        sys.stdout.write(render_coverage(result))
    sys.exit(EXIT_UNREADABLE if any(r.error for r in reports) else EXIT_OK)


@cli.command()
@click.option(
    "--spec",
    "spec_ref",
    default="lifecheck.spec:LIFECYCLE",
    show_default=True,
    help="The spec to check, as module:attribute.",
)
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def lint(spec_ref: str, output: str) -> None:
    """Run the spec's self-checks and print its facts; exit 1 naming every problem."""
    module, _, attribute = spec_ref.partition(":")
    try:
        spec = getattr(importlib.import_module(module), attribute or "LIFECYCLE")
        if isinstance(spec, Spec):
            validate(spec)
    except InvalidSpec as error:
        for problem in error.problems:
            click.echo(f"{spec_ref}: {problem}", err=True)
        sys.exit(EXIT_FINDINGS)
    except (ImportError, AttributeError) as error:
        click.echo(f"lifecheck: cannot load {spec_ref}: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    if not isinstance(spec, Spec):
        click.echo(f"lifecheck: {spec_ref} is not a spec.Spec", err=True)
        sys.exit(EXIT_UNREADABLE)
    from lifecheck.spec.analysis import facts  # networkx: kept out of `lifecheck check`'s start-up

    found = facts(spec)
    if output == "json":
        sys.stdout.buffer.write(_json(found))
    else:
        sys.stdout.write(render_facts(found))


@cli.command(
    epilog="""\b
Examples:
  lifecheck explain log-0000.jsonl --agent btucker-reviewer
  lifecheck explain STORE --agent 7e0aa489-b967-459e-9f01-71b0e71c756f --semantics 3d1b4c5d
"""
)
@click.argument("path")
@click.option("--agent", required=True, help="An agent id (one record) or name (all its records).")
@_SEMANTICS
def explain(path: str, agent: str, semantics: str) -> None:
    """One agent's timeline: every line that touched it, its spec state before and after,
    the record fields that changed, and the findings about it inline.

    Exit 2 if the input cannot be read, else 0.
    """
    from lifecheck.checker.reports.timeline import render_timeline

    with _exit_if_unreadable():
        timeline = timeline_of(locate(path), agent, semantics)
    _write(render_timeline(timeline).encode(), None)


@cli.command(
    epilog="""\b
Examples:
  lifecheck minimize log-0000.jsonl --rule stale-pid
  lifecheck minimize STORE --rule resume-loop --agent btucker-reviewer -o repro.jsonl
"""
)
@click.argument("path")
@click.option("--rule", required=True, type=click.Choice(list(RULES)), help="The finding to keep.")
@click.option("--agent", help="Keep the finding for this agent (id or name).")
@_SEMANTICS
@_OUTPUT_FILE
def minimize(path: str, rule: str, agent: str | None, semantics: str, target: str | None) -> None:
    """Shrink a log to a smallest one that still gives a finding (delta debugging).

    Keeps the log's own lines in their order (and a store's snapshot as the starting
    state), prints them with their original line numbers, and with -o writes them as a
    log. Exit 1 if the log does not give that finding, 2 if it cannot be read.
    """
    from lifecheck.checker.minimize import Target
    from lifecheck.checker.minimize import minimize as shrink

    with _exit_if_unreadable():
        source = locate(path)
        if source.log is None:
            raise InputError(f"{path}: the store has no log to shrink")
        lines = Path(source.log).read_bytes().split(b"\n")
        snapshot = read_snapshot(source.snapshot) if source.snapshot else None
    wanted = Target(rule, agent)
    kept = shrink(lines, wanted, semantics, snapshot)
    about = f"{rule}" + (f" for {agent}" if agent else "")
    if kept is None:
        click.echo(f"lifecheck: {source.log} gives no {about} finding ({semantics})", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{len(kept)} of {sum(1 for line in lines if line.strip())} lines of "
               f"{source.log} still give {about} ({semantics}):", err=True)  # fmt: skip
    width = len(str(kept[-1] + 1)) if kept else 0  # none: the snapshot alone gives it
    for index in kept:
        click.echo(f"{index + 1:>{width}}  {lines[index].decode(errors='replace')}")
    if target is not None:
        Path(target).write_bytes(b"".join(lines[index] + b"\n" for index in kept))


@cli.command()
@click.option("--faults", is_flag=True, help="Inject faults, each breaking one rule.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same log.")
@click.option(
    "--events", type=click.IntRange(min=1), default=1000, show_default=True, help="Lines to write."
)
@click.option("--agents", type=click.IntRange(min=1), help="Most agent records to create.")
@_SEMANTICS
@_OUTPUT_FILE
@click.option(
    "--expect",
    type=click.Path(dir_okay=False),
    help="Write the findings a checker must give (JSON) here.",
)
def generate(faults: bool, seed: int, events: int, agents: int | None, semantics: str,
             target: str | None, expect: str | None) -> None:  # fmt: skip
    """Write a realistic Midtown log in the daemon's on-disk format.

    Without --faults the log breaks no rule of --semantics; with it, --expect lists each
    injected fault as {"line", "rule"}: exactly the findings lifecheck gives.
    """
    from lifecheck.testing import generate as generate_log  # only this command needs it

    log = generate_log(seed, events=events, agents=agents, faults=faults, semantics=semantics)
    _write(log.text(), target)
    if expect is not None:
        expected = {
            "semantics": semantics,
            "findings": [{"line": f.line, "rule": f.rule} for f in log.faults],
        }
        Path(expect).write_bytes(_json(expected))
