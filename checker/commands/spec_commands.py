"""The spec's commands: ``diagram`` draws it, ``coverage`` measures logs against it, ``lint``
runs its self-checks."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path

import click

from lifecheck.checker.check import check_path, trace_overlay
from lifecheck.checker.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    json_bytes,
    output_file_option,
    semantics_option,
    write_output,
)
from lifecheck.checker.reading.store import InputError
from lifecheck.checker.reports.diagrams import (
    FORMATS,
    GraphvizMissing,
    render_diagram,
    write_all,
)
from lifecheck.checker.reports.text import render_coverage, render_facts
from lifecheck.spec import LIFECYCLE, InvalidSpec, Spec
from lifecheck.spec.model import Transition
from lifecheck.spec.validate import validate

_DIAGRAM_EPILOG = """\b
Examples:
  lifecheck diagram                                # Mermaid of the default version
  lifecheck diagram --format svg -o lifecycle.svg  # needs Graphviz's dot
  lifecheck diagram --trace log-0000.jsonl --agent btucker-reviewer --format svg -o t.svg
  lifecheck diagram --all diagrams/                # every version, .mmd .dot .svg
"""


@click.command(epilog=_DIAGRAM_EPILOG)
@click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="mermaid",
    show_default=True,
    help="Mermaid and DOT are text; SVG and PNG need Graphviz.",
)
@semantics_option
@output_file_option
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
    write_output(data, target)


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@semantics_option
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
        sys.stdout.buffer.write(json_bytes(result))
    else:
        sys.stdout.write(render_coverage(result))
    sys.exit(EXIT_UNREADABLE if any(r.error for r in reports) else EXIT_OK)


@click.command()
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
        sys.stdout.buffer.write(json_bytes(found))
    else:
        sys.stdout.write(render_facts(found))
