"""The spec's commands: ``diagram`` draws it, ``coverage`` measures logs against it, ``lint``
runs its self-checks."""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from pathlib import Path

import click

from lifecheck.checker.check import InputReport, check_path, trace_overlay
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    cannot_write,
    json_bytes,
    output_file_option,
    refuse_inputs,
    say,
    semantics_option,
    write_output,
)
from lifecheck.checker.commands.input_options import AGENT_HELP, inputs_of, one_input
from lifecheck.checker.commands.speed import tuned_for_reading
from lifecheck.checker.reading.store import InputError
from lifecheck.checker.reports.diagrams import (
    FORMATS,
    GraphvizMissing,
    render_diagram,
    write_all,
)
from lifecheck.checker.reports.printable import printable
from lifecheck.checker.reports.text import render_coverage, render_facts, where
from lifecheck.spec import LIFECYCLE, InvalidSpec, Spec
from lifecheck.spec.model import Transition
from lifecheck.spec.render import DETAILS
from lifecheck.spec.validate import validate

_DIAGRAM_EPILOG = """\b
Examples:
  lifecheck diagram                                # Mermaid of the default version
  lifecheck diagram --format svg -o lifecycle.svg  # needs Graphviz's dot
  lifecheck diagram --format table                 # every transition, as a Markdown table
  lifecheck diagram --detail full --format svg -o all.svg
  lifecheck diagram --trace log-0000.jsonl --agent btucker-reviewer --format svg -o t.svg
  lifecheck diagram --all diagrams/                # every version: diagrams and tables
"""


@click.command(epilog=_DIAGRAM_EPILOG)
@click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="mermaid",
    show_default=True,
    help="Mermaid and DOT are text; SVG and PNG need Graphviz; table lists every "
    "transition in Markdown.",
)
@click.option(
    "--detail",
    type=click.Choice(DETAILS),
    default="glance",
    show_default=True,
    help="glance: the lifecycle and the transitions into its forbidden states; full: every "
    "transition.",
)
@click.option(
    "--untaken",
    is_flag=True,
    help="With --trace: also draw the legal transitions the log never took.",
)
@semantics_option
@output_file_option
@click.option(
    "--trace",
    type=click.Path(),
    callback=one_input,
    help="Overlay what this log or store (- for standard input) did.",
)
@click.option(
    "--agent",
    help="With --trace: number this agent's path. "
    + AGENT_HELP
    + " A name: its most recently created record.",
)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False),
    help="Write every version's .mmd, .dot and .svg into this directory.",
)
def diagram(output: str, detail: str, untaken: bool, semantics: str, target: str | None,
            trace: str | None, agent: str | None, all_dir: str | None) -> None:  # fmt: skip
    """Draw the lifecycle spec, forbidden states and transitions in red.

    With --trace, each transition is labelled with how often the log took it, forbidden
    ones it never took are dashed, and forbidden states show how often the log entered
    them; legal transitions it never took are left out (--untaken draws them).
    """
    refuse_inputs([target], [trace] if trace is not None else [])
    try:
        if all_dir is not None:
            try:
                written = write_all(Path(all_dir), write=_write_file)
            except OSError as error:  # its folder cannot be made
                raise cannot_write(all_dir, error) from None
            write_output(b"".join(os.fsencode(path) + b"\n" for path in written), None)
            return
        overlay = None
        if trace is not None:
            overlay = trace_overlay(trace, semantics, agent, label=printable(trace))
        elif agent is not None or untaken:
            raise click.UsageError(f"{'--agent' if agent else '--untaken'} needs --trace")
        data = render_diagram(semantics, output, overlay, detail=detail, untaken=untaken)
    except (InputError, GraphvizMissing) as error:
        say(str(error))
        sys.exit(EXIT_UNREADABLE)
    if target is None and output == "png" and sys.stdout.isatty():
        raise click.UsageError("PNG is binary: write it to a file with -o")
    write_output(data, target)


def _write_file(path: Path, data: bytes) -> None:
    write_output(data, str(path))


@click.command(
    epilog="""\b
Examples:
  lifecheck coverage log-0000.jsonl        # legal transitions taken, forbidden ones hit
  lifecheck coverage logs/ --semantics 3d1b4c5d    # every store and *.jsonl under logs/
  lifecheck coverage STORE --format json | jq '.transitions[] | select(.count == 0)'
"""
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@semantics_option
def coverage(paths: tuple[str, ...], output: str, semantics: str) -> None:
    """How often the logs took each spec transition, and which forbidden ones they hit.

    PATHs are taken as 'lifecheck check' takes them (directories searched, - for standard
    input). Counts are exactly the transitions 'lifecheck check' replays. Legal transitions
    are listed taken and never taken; forbidden ones (those that report a rule) hit, and
    counted when never hit. Exit 2 if an input cannot be read (saying so, and nothing
    else), 1 if the replay of one stopped early (at a malformed line, or nothing replayed
    because the daemon would not start), else 0.
    """
    with tuned_for_reading():
        reports = [check_path(path, semantics) for path in inputs_of(paths)]
    taken: Counter[Transition] = Counter()
    incomplete = False
    for report in reports:
        if report.error is not None:
            say(report.error)
        elif (stopped := _stopped_early(report)) is not None:
            say(stopped)
            incomplete = True
        taken.update(report.taken)
    if any(r.error for r in reports):
        sys.exit(EXIT_UNREADABLE)  # counts of the inputs read would pass for the whole
    from lifecheck.spec.analysis import (
        coverage,  # networkx: kept out of `lifecheck check`'s start-up
    )

    result = coverage(LIFECYCLE, semantics, taken)
    result["inputs"] = [printable(r.path) for r in reports]
    document = json_bytes(result) if output == "json" else render_coverage(result).encode()
    write_output(document, None)
    sys.exit(EXIT_FINDINGS if incomplete else EXIT_OK)


def _stopped_early(report: InputReport) -> str | None:
    """Why coverage of ``report`` is incomplete, in one line, if it is."""
    for finding in report.findings:
        if finding.rule == "parse-error":
            why = finding.message.partition("; replay stops here")[0]
            return (
                f"{where(finding)}: replay stopped at line {finding.line}: {why}; nothing "
                "after it is covered"
            )
        if finding.rule == "recovery-fails":
            return f"{where(finding)}: {finding.message}; nothing of it is covered"
    return None


@click.command(
    epilog="""\b
Examples:
  lifecheck lint                          # the built-in spec: valid, and its facts
  lifecheck lint --format json | jq '.semantics'
  lifecheck lint --spec myspec:SPEC       # another spec, as module:attribute
"""
)
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
        say(f"cannot load {spec_ref}: {error}")
        sys.exit(EXIT_UNREADABLE)
    if not isinstance(spec, Spec):
        say(f"{spec_ref} is not a spec.Spec")
        sys.exit(EXIT_UNREADABLE)
    from lifecheck.spec.analysis import facts  # networkx: kept out of `lifecheck check`'s start-up

    found = facts(spec)
    write_output(json_bytes(found) if output == "json" else render_facts(found).encode(), None)
