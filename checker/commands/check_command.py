"""``lifecheck check``: replay logs or stores and report every forbidden state."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from pathlib import Path

import click

from lifecheck.checker.check import InputReport, check_path
from lifecheck.checker.commands.check_ci import (
    after_report,
    ci_options,
    statistics_aside,
    streamed_jsonl,
    summary_aside,
)
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    color_option,
    open_output,
    output_file_option,
    refuse_inputs,
    refuse_same,
    say,
    semantics_option,
    wants_colour,
)
from lifecheck.checker.commands.config import ConfiguredCommand, project_root, settings_lines
from lifecheck.checker.commands.input_options import inputs_of, midtown_stores
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
from lifecheck.checker.rules.findings import Finding
from lifecheck.checker.rules.policy import Policy
from lifecheck.spec.catalogue import Severity

EXAMPLE = "pr-2330-crash-loop.jsonl"

_CHECK_EPILOG = """\b
Examples:
  lifecheck check                                  # this machine's Midtown stores
  lifecheck check ~/.midtown/projects/app/events   # one event-store directory
  lifecheck check log-0000.jsonl --semantics 3d1b4c5d
  lifecheck check logs/ --format json --fail-on error  # every store and *.jsonl under logs/
  cat log-0000.jsonl | lifecheck check -
  lifecheck check STORE --format sarif -o lifecheck.sarif     # for code scanning
  lifecheck check logs/ --format github --statistics          # annotations in Actions
  lifecheck check logs/ --ignore stale-pid --severity pid-reuse=error
  lifecheck check STORE --write-baseline lifecheck-baseline.json   # accept today's
  lifecheck check STORE --baseline lifecheck-baseline.json         # report only new ones

\b
Exit codes: 0 no error or warning; 1 findings (--fail-on error ignores warnings);
2 an input cannot be read, or the output cannot be written or is an input; 3 internal
error; 130 interrupted. An unknown rule or an unreadable baseline is exit 2;
--write-baseline exits 0 unless an input cannot be read.

\b
Settings: [tool.lifecheck] in the nearest pyproject.toml, or lifecheck.toml, from the
working directory upwards (lifecheck.toml first); keys are the long options without
dashes; the command line wins; a bad one exits 2. --show-settings shows them and where
each comes from.
"""


@click.command(cls=ConfiguredCommand, epilog=_CHECK_EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif", "junit", "html", "github", "jsonl"]),
    default="text",
    show_default=True,
    help="Report for people; JSON for tools; SARIF 2.1.0 for code scanning; JUnit XML "
    "for CI test reports; one self-contained HTML page (use -o); GitHub Actions "
    "annotations; JSON Lines, a finding per line written as found.",
)
@semantics_option
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@color_option("the text report")
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
    help="Explain every finding of the text report (default: the first five), or none; an "
    "explanation that would only repeat the finding's line is left out. --no-explain also "
    "leaves out the 'what to do' line each rule gets once. JSON and SARIF always carry the "
    "explanations.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Run the exact decoder (a port of serde_json's reading) on every line instead of "
    "trusting msgspec where it re-encodes a line to its bytes: the same verdicts, slower.",
)
@ci_options
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
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    config: str | None,  # read before the other options (ConfiguredCommand)
    isolated: bool,
    show_settings: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    baseline: str | None,
    write_baseline: str | None,
) -> None:
    """Replay logs or event-store directories and report every forbidden state.

    A PATH is a log file (read whatever its name), a Midtown event-store directory, a
    directory to search, or - for a log on standard input; each is checked on its own. A
    directory that is not a store is searched, following symlinks, for stores and for
    *.jsonl logs outside them (names starting with '.' are passed over), each one input,
    in sorted order. With no PATH, check the stores under ~/.midtown/projects/*/events,
    or the bundled example when there are none.
    """
    if show_settings:
        click.echo("".join(f"{line}\n" for line in settings_lines(click.get_current_context())),
                   nl=False)  # fmt: skip
        return
    # A bar only for people watching a terminal, never in JSON or CI output.
    progress = output == "text" and not quiet and sys.stderr.isatty() and not os.environ.get("CI")
    # What is reported (--select, --ignore, --severity, --baseline, --write-baseline).
    policy = chosen_policy(select, ignore, severity, None if write_baseline else baseline)
    inputs = inputs_of(paths) if paths else _default_inputs()
    refuse_inputs([target, write_baseline], inputs)
    refuse_same(write_baseline, target, "the report's output (-o)")
    check_all = partial(
        check_paths,
        inputs,
        semantics,
        jobs,
        exact=exact,
        progress=progress,
        timelines=output == "html",
        coverage=output == "html",  # only the page's diagram shows what was taken
        policy=policy,
        root=project_root(click.get_current_context()),  # fingerprints' paths start there
    )
    reports = streamed_jsonl(check_all, target) if output == "jsonl" else check_all()
    for report in reports:
        if report.error is not None:
            say(report.error)
    code = _exit_code(reports, Severity(fail_on))
    if write_baseline is not None:
        record_baseline(write_baseline, reports, semantics)
        code = EXIT_UNREADABLE if code == EXIT_UNREADABLE else EXIT_OK
    if exit_zero and code == EXIT_FINDINGS:
        code = EXIT_OK
    if output != "jsonl":  # written as found
        rendered = _report(reports, output, semantics, Severity(fail_on), color=color,
                         target=target, explain=explain, quiet=quiet)  # fmt: skip
        chunks = chain(rendered, after_report(reports, semantics, output, quiet, statistics))
        with tuned_for_reading(), open_output(target) as out:  # spooled findings are read back
            for chunk in chunks:
                out.write(chunk)
                if out.pipe_closed:  # e.g. `| head`: the rest would go nowhere
                    break
    if statistics:
        statistics_aside(reports, output)
    summary_aside(reports, semantics, target, quiet)
    sys.exit(code)


def _report(
    reports: list[InputReport],
    output: str,
    semantics: str,
    fail_on: Severity,
    *,
    color: str,
    target: str | None,
    explain: bool | None,
    quiet: bool,
) -> Iterable[bytes]:
    """The report in format ``output`` (not jsonl), in chunks."""
    if output == "json":
        return json_chunks(reports, semantics)
    if output == "sarif":
        from lifecheck.checker.reports.sarif import sarif_chunks

        return sarif_chunks(reports, semantics)
    if output == "junit":
        from lifecheck.checker.reports.junit import to_junit

        return [to_junit(reports, semantics, fail_on)]
    if output == "html":
        from lifecheck.checker.reports.html import to_html

        return [to_html(reports, semantics)]
    if output == "github":
        from lifecheck.checker.reports.github import github_lines

        return (line.encode() for line in github_lines(reports))
    if quiet:
        return ()  # the summary line at most (after_report)
    colour = wants_colour(color, to_stdout=target is None)
    explained = EXPLAINED if explain is None else (None if explain else 0)
    lines = text_lines(reports, semantics, colour=colour, explain=explained)
    return (line.encode() for line in lines)


def check_paths(
    paths: list[str],
    semantics: str,
    jobs: int = 1,
    *,
    exact: bool = False,
    progress: bool = False,
    timelines: bool = False,
    coverage: bool = True,
    on_finding: Callable[[Finding], None] | None = None,
    policy: Policy | None = None,
    root: str | None = None,
) -> list[InputReport]:
    """Check each path; with ``jobs`` > 1 in a pool of processes, in the same order.

    ``on_finding`` is handed the findings as they are found: in one process, each as the
    checks meet it; from a pool, an input's findings in report order once it is checked.
    """
    check_one = partial(check_path, semantics=semantics, exact=exact, timelines=timelines,
                        coverage=coverage, policy=policy, root=root)  # fmt: skip
    with tuned_for_reading():
        if jobs == 1 or len(paths) == 1:
            meter = _progress_meter if progress else None
            return [check_one(path, jobs=jobs, pool=niced_pool, progress=meter,
                              on_finding=on_finding) for path in paths]  # fmt: skip
        from lifecheck.checker.pools import worker_pool  # 20 ms of imports, only for --jobs

        with worker_pool(min(jobs, len(paths))) as pool:
            reports = []
            for report in pool.map(check_one, paths):  # each as soon as it and those before are
                if on_finding is not None:
                    for finding in report.findings:
                        on_finding(finding)
                reports.append(report)
            return reports


def _progress_meter(label: str, size: int) -> Progress:
    return Progress(size, stderr_bar(printable(label)))


def _default_inputs() -> list[str]:
    if stores := midtown_stores():
        return stores
    example = str(Path(__file__).parents[1] / "examples" / EXAMPLE)
    say(f"no Midtown stores under ~/.midtown/projects; checking the bundled example {example}")
    return [example]


def _exit_code(reports: list[InputReport], fail_on: Severity) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_UNREADABLE
    failing = {Severity.ERROR} if fail_on is Severity.ERROR else {Severity.ERROR, Severity.WARNING}
    if any(severities(r)[severity] for r in reports for severity in failing):
        return EXIT_FINDINGS
    return EXIT_OK
