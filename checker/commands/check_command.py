"""``lifecheck check``: replay logs or stores and report every forbidden state."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import click

from lifecheck.checker.check import InputReport, check_path
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    open_output,
    output_file_option,
    refuse_inputs,
    refuse_same,
    say,
    semantics_option,
)
from lifecheck.checker.commands.policy_options import (
    chosen_policy,
    policy_options,
    record_baseline,
)
from lifecheck.checker.commands.progress import Progress, stderr_bar
from lifecheck.checker.commands.speed import niced_pool, tuned_for_reading
from lifecheck.checker.reports.data import severities
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import EXPLAINED, json_chunks, text_lines
from lifecheck.checker.rules.policy import Policy
from lifecheck.spec.catalogue import Severity

EXAMPLE = "pr-2330-crash-loop.jsonl"

_CHECK_EPILOG = """\b
Examples:
  lifecheck check                                  # this machine's Midtown stores
  lifecheck check ~/.midtown/projects/app/events   # one event-store directory
  lifecheck check log-0000.jsonl --semantics 3d1b4c5d
  lifecheck check logs/*.jsonl --format json --fail-on error
  lifecheck check STORE --format sarif -o lifecheck.sarif     # for code scanning
  lifecheck check logs/*.jsonl --ignore stale-pid --severity pid-reuse=error
  lifecheck check STORE --write-baseline lifecheck-baseline.json   # accept today's
  lifecheck check STORE --baseline lifecheck-baseline.json         # report only new ones

\b
Exit codes: 0 no error or warning; 1 findings (--fail-on error ignores warnings);
2 an input cannot be read, or the output cannot be written or is an input; 3 internal
error; 130 interrupted. An unknown rule or an unreadable baseline is exit 2;
--write-baseline exits 0 unless an input cannot be read.
"""


@click.command(epilog=_CHECK_EPILOG)
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
@semantics_option
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
@output_file_option
@click.option(
    "--explain/--no-explain",
    default=None,
    help="Explain every finding in the text report (default: the first five), or none. "
    "JSON and SARIF always carry the explanations.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Run the exact decoder (a port of serde_json's reading) on every line instead of "
    "trusting msgspec where it re-encodes a line to its bytes: the same verdicts, slower.",
)
@policy_options
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
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    baseline: str | None,
    write_baseline: str | None,
) -> None:
    """Replay logs or event-store directories and report every forbidden state.

    A PATH is a log file (log-NNNN.jsonl) or a Midtown event-store directory; several
    PATHs are checked independently. With no PATH, check the stores under
    ~/.midtown/projects/*/events, or the bundled example when there are none.
    """
    # A bar only for people watching a terminal, never in JSON or CI output.
    progress = output == "text" and sys.stderr.isatty() and not os.environ.get("CI")
    # What is reported (--select, --ignore, --severity, --baseline, --write-baseline).
    policy = chosen_policy(select, ignore, severity, None if write_baseline else baseline)
    inputs = list(paths or _default_inputs())
    refuse_inputs([target, write_baseline], inputs)
    refuse_same(write_baseline, target, "the report's output (-o)")
    reports = check_paths(
        inputs,
        semantics,
        jobs,
        exact=exact,
        progress=progress,
        timelines=output == "html",
        coverage=output == "html",  # only the page's diagram shows what was taken
        policy=policy,
    )
    for report in reports:
        if report.error is not None:
            say(report.error)
    code = _exit_code(reports, Severity(fail_on))
    if write_baseline is not None:
        record_baseline(write_baseline, reports, semantics)
        code = EXIT_UNREADABLE if code == EXIT_UNREADABLE else EXIT_OK
    chunks: Iterable[bytes]
    if output == "json":
        chunks = json_chunks(reports, semantics)
    elif output == "sarif":
        from lifecheck.checker.reports.sarif import sarif_chunks

        chunks = sarif_chunks(reports, semantics)
    elif output == "junit":
        from lifecheck.checker.reports.junit import to_junit

        chunks = [to_junit(reports, semantics, Severity(fail_on))]
    elif output == "html":
        from lifecheck.checker.reports.html import to_html

        chunks = [to_html(reports, semantics)]
    else:
        colour = color == "always" or (
            color == "auto" and target is None and sys.stdout.isatty()
            and "NO_COLOR" not in os.environ
        )  # fmt: skip
        explained = EXPLAINED if explain is None else (None if explain else 0)
        lines = text_lines(reports, semantics, colour=colour, explain=explained)
        chunks = (line.encode() for line in lines)
    with tuned_for_reading(), open_output(target) as out:  # spooled findings are read back
        for chunk in chunks:
            out.write(chunk)
            if out.pipe_closed:  # e.g. `| head`: the rest would go nowhere
                break
    sys.exit(code)


def check_paths(
    paths: list[str],
    semantics: str,
    jobs: int = 1,
    *,
    exact: bool = False,
    progress: bool = False,
    timelines: bool = False,
    coverage: bool = True,
    policy: Policy | None = None,
) -> list[InputReport]:
    """Check each path; with ``jobs`` > 1 in a pool of processes, in the same order."""
    check_one = partial(check_path, semantics=semantics, exact=exact, timelines=timelines,
                        coverage=coverage, policy=policy)  # fmt: skip
    with tuned_for_reading():
        if jobs == 1 or len(paths) == 1:
            meter = _progress_meter if progress else None
            return [check_one(path, jobs=jobs, pool=niced_pool, progress=meter) for path in paths]
        from lifecheck.checker.pools import worker_pool  # 20 ms of imports, only for --jobs

        with worker_pool(min(jobs, len(paths))) as pool:
            return list(pool.map(check_one, paths))


def _progress_meter(label: str, size: int) -> Progress:
    return Progress(size, stderr_bar(printable(label)))


def _default_inputs() -> list[str]:
    projects = Path.home() / ".midtown" / "projects"
    # Every project's events entry, even a broken link (then reported, not passed over).
    stores = sorted(str(p / "events") for p in _entries(projects) if os.path.lexists(p / "events"))
    if stores:
        return stores
    example = str(Path(__file__).parents[1] / "examples" / EXAMPLE)
    say(f"no Midtown stores under ~/.midtown/projects; checking the bundled example {example}")
    return [example]


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:  # no such folder (no Midtown here), or one that cannot be listed
        return []


def _exit_code(reports: list[InputReport], fail_on: Severity) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    failing = {Severity.ERROR} if fail_on is Severity.ERROR else {Severity.ERROR, Severity.WARNING}
    if any(severities(r)[severity] for r in reports for severity in failing):
        return EXIT_FINDINGS
    return EXIT_OK
