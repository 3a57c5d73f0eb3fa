"""The benchmark's tables: medians of per-round ratios, growth exponents, issue 14's targets."""

from __future__ import annotations

import math
from dataclasses import asdict
from statistics import median
from typing import Any

from logs import BUILT, GENERATED
from measure import Run

#: Issue 14's targets on a scenario at its largest size (1M lines): the most lifecheck /
#: floor with default jobs and with -j 1, and the most peak RSS (MB).
TARGETS: dict[str, dict[str, float]] = {
    "messages": {"default": 1.0, "j1": 2.0},
    "agents": {"default": 1.5, "j1": 2.0, "rss_mb": 200},
    "no-restarts": {"default": 3.0, "rss_mb": 300},
    "agents200k": {"default": 3.0},
    "snapshot100k": {"default": 3.0},
    "channel20k": {},
}
#: In every scenario: growth exponents from the smallest size to the largest.
GROWTH = 1.1
#: Bytes of peak RSS per agent record (over a one-line log's), where records are many.
PER_RECORD, MANY_RECORDS = 1024, 10_000
#: Other commands, as ratios: (task, measure, against, target).
COMMANDS = [
    ("commands", "explain", "check", 2.0),
    ("commands", "coverage", "check", 2.0),
    ("commands", "html", "check", 2.0),
    ("minimize", "minimize", "check", 10.0),
    ("startup", "version", "python", 5.0),
    ("startup", "one_line", "python", 5.0),
]


def ratio(rounds: list[dict[str, Any]], ours: str, base: str, attr: str) -> float | None:
    """The median over rounds of ``ours / base`` (wall or cpu), taken within each round."""
    values = [getattr(r[ours], attr) / getattr(r[base], attr)
              for r in rounds if r.get(ours) and r.get(base)]  # fmt: skip
    return round(median(values), 2) if values else None


def _exponent(small: tuple[int, float | None], large: tuple[int, float | None]) -> float | None:
    """How a measure grows with size: ``m ~ size ** exponent`` between two sizes."""
    if not small[1] or not large[1] or small[1] <= 0 or large[1] <= 0:
        return None
    return round(math.log(large[1] / small[1]) / math.log(large[0] / small[0]), 2)


def _median(rounds: list[dict[str, Any]], key: str, attr: str) -> float | None:
    values = [getattr(r[key], attr) for r in rounds if r.get(key)]
    return median(values) if values else None


def _fmt(value: float | None, unit: str = "") -> str:
    return "failed" if value is None else f"{value:g}{unit}"


def _lines(size: int) -> str:
    return f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size / 1000:g}k"


def _verdict(values: list[float | None], target: float) -> str:
    return "PASS" if all(v is not None and v <= target for v in values) else "MISS"


def scenario_rows(results: dict[str, list[dict[str, Any]]], sizes: list[int],
                  baseline: Run) -> list[dict[str, Any]]:  # fmt: skip
    """One row per scenario and size: the median ratios, peak RSS and RSS per record."""
    rows = []
    for scenario in (*GENERATED, *BUILT):
        for size in sizes:
            rounds = results.get(f"{scenario}@{size}")
            if not rounds:
                continue
            rss = [r["default"].rss_kib for r in rounds if r.get("default")]
            rss_j1 = [r["j1"].rss_kib for r in rounds if r.get("j1")]
            records = max((r.get("records", 0) for r in rounds), default=0)
            net = (max(rss) - baseline.rss_kib) * 1024 if rss else None
            floor_wall = _median(rounds, "floor", "wall")
            rows.append({
                "scenario": scenario, "lines": size, "records": records,
                "floor_lines_per_s": round(size / floor_wall) if floor_wall else None,
                "wall": ratio(rounds, "default", "floor", "wall"),
                "cpu": ratio(rounds, "default", "floor", "cpu"),
                "j1_wall": ratio(rounds, "j1", "floor", "wall"),
                "j1_cpu": ratio(rounds, "j1", "floor", "cpu"),
                "wall_by_round": [round(r["default"].wall / r["floor"].wall, 2)
                                  for r in rounds if r.get("default")],
                "cpu_s": _median(rounds, "default", "cpu"),
                "wall_s": _median(rounds, "default", "wall"),
                "rss_mb": round(max(rss) / 1024) if rss else None,
                "j1_rss_mb": round(max(rss_j1) / 1024) if rss_j1 else None,
                "net_rss_bytes": net,
                "bytes_per_record": round(net / records) if net and records else None,
            })  # fmt: skip
    return rows


def growth(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Per scenario, exponents from its smallest size to its largest: CPU and wall time of
    the check (default jobs), and its peak RSS over a one-line log's."""
    exponents = {}
    for scenario in dict.fromkeys(row["scenario"] for row in rows):
        mine = [row for row in rows if row["scenario"] == scenario]
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        exponents[scenario] = {
            key: _exponent((small["lines"], small[measure]), (large["lines"], large[measure]))
            for key, measure in (("cpu", "cpu_s"), ("wall", "wall_s"), ("memory", "net_rss_bytes"))
        }
    return exponents


def _target_lines(rows: list[dict[str, Any]], exponents: dict[str, Any],
                  results: dict[str, list[dict[str, Any]]]) -> list[str]:  # fmt: skip
    lines = ["| target | issue 14 | measured (wall / CPU) | verdict |", "|---|---|---|---|"]
    largest = {row["scenario"]: row for row in rows}  # rows are by increasing size
    for scenario, row in largest.items():
        at = f"{scenario} at {_lines(row['lines'])} lines"
        for key, target in TARGETS[scenario].items():
            if key == "rss_mb":
                value = row["rss_mb"]
                lines.append(f"| {at}, peak RSS | ≤ {target:g} MB | {_fmt(value, ' MB')} | "
                             f"{_verdict([value], target)} |")  # fmt: skip
                continue
            pair = (
                [row["wall"], row["cpu"]] if key == "default" else [row["j1_wall"], row["j1_cpu"]]
            )
            jobs = "default jobs" if key == "default" else "`-j 1`"
            verdict = _verdict(pair, target)
            lines.append(f"| {at}, {jobs} / floor | ≤ {target:g} | "
                         f"{_fmt(pair[0])} / {_fmt(pair[1])} | {verdict} |")  # fmt: skip
        if row["records"] >= MANY_RECORDS:
            value = row["bytes_per_record"]
            verdict = _verdict([value], PER_RECORD)
            lines.append(f"| {at}, RSS per record ({row['records']} records) | ≤ {PER_RECORD} "
                         f"B | {_fmt(value, ' B')} | {verdict} |")  # fmt: skip
        if scenario in exponents:
            grown = exponents[scenario]
            lines.append(f"| {scenario}, growth exponent: time (CPU / wall), memory | ≤ {GROWTH} "
                         f"| {_fmt(grown['cpu'])} / {_fmt(grown['wall'])}, "
                         f"{_fmt(grown['memory'])} | "
                         f"{_verdict([grown['cpu'], grown['memory']], GROWTH)} |")  # fmt: skip
    for task, ours, base, target in COMMANDS:
        if results.get(task):
            pair = [ratio(results[task], ours, base, attr) for attr in ("wall", "cpu")]
            name = {"one_line": "check of a one-line log", "version": "`--version`",
                    "html": "`check --format html`"}.get(ours, f"`{ours}`")  # fmt: skip
            lines.append(f"| {name} / {base} | ≤ {target:g} | {_fmt(pair[0])} / "
                         f"{_fmt(pair[1])} | {_verdict(pair, target)} |")  # fmt: skip
    return lines


def render(results: dict[str, list[dict[str, Any]]], sizes: list[int],
           baseline: Run) -> dict[str, Any]:  # fmt: skip
    """The markdown tables, and every measure as data."""
    rows = scenario_rows(results, sizes, baseline)
    exponents = growth(rows)
    table = ["| scenario | lines | records | floor | default jobs / floor (wall, CPU) | "
             "`-j 1` / floor (wall, CPU) | peak RSS (`-j 1`) | RSS per record |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        per = row["bytes_per_record"]
        table.append(
            f"| {row['scenario']} | {_lines(row['lines'])} | {row['records']} | "
            f"{row['floor_lines_per_s'] / 1e6:.2f}M lines/s | "
            f"{_fmt(row['wall'])}, {_fmt(row['cpu'])} | "
            f"{_fmt(row['j1_wall'])}, {_fmt(row['j1_cpu'])} | "
            f"{_fmt(row['rss_mb'], ' MB')} ({_fmt(row['j1_rss_mb'], ' MB')}) | "
            f"{'' if per is None else f'{per} B'} |"
        )
    markdown = "\n".join([*table, "", *_target_lines(rows, exponents, results)])
    raw = {name: [{key: asdict(v) if isinstance(v, Run) else v for key, v in r.items()}
                  for r in rounds] for name, rounds in results.items()}  # fmt: skip
    data = {"sizes": sizes, "baseline": asdict(baseline), "rows": rows, "growth": exponents,
            "rounds": raw}  # fmt: skip
    return {"markdown": markdown, "data": data}
