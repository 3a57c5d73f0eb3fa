"""The check step of the lifecheck GitHub Action (action.yml): one SARIF file per input.

Run by the action with its inputs in the environment, and by tests/test_action.py the same
way. ``LIFECHECK_PATHS``: the logs or stores, whitespace-separated (shell quoting allowed);
``LIFECHECK_SEMANTICS``, ``LIFECHECK_FAIL_ON`` (error, warning or never) and
``LIFECHECK_ARGS`` (more options of ``lifecheck check``). Each input is checked on its own
into ``RUNNER_TEMP/lifecheck-sarif/N.sarif``, its runs stamped with the code-scanning
category ``lifecheck/INPUT/`` (``automationDetails.id``), so that one upload of the
directory keeps the inputs apart. Writes ``sarif-dir`` and ``exit-code`` to
``GITHUB_OUTPUT``, and exits with the worst exit code of the checks (findings count only
when ``LIFECHECK_FAIL_ON`` is not ``never``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

NEVER = "never"


def category(path: str) -> str:
    """The code-scanning category of an input: ``lifecheck/`` and its path, made plain."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", path).strip("-.") or "input"
    return f"lifecheck/{plain}/"


def check(path: str, sarif: Path, env: dict[str, str]) -> int:
    """``lifecheck check`` of one input into ``sarif``, stamped with its category."""
    fail_on = env.get("LIFECHECK_FAIL_ON", "warning")
    command = ["lifecheck", "check", path, "--format", "sarif", "-o", str(sarif),
               "--semantics", env.get("LIFECHECK_SEMANTICS", "d11b83e"),
               "--fail-on", "error" if fail_on == NEVER else fail_on,
               *shlex.split(env.get("LIFECHECK_ARGS", ""))]  # fmt: skip
    print("+", shlex.join(command), flush=True)
    code = subprocess.run(command, check=False).returncode
    if sarif.exists():
        document = json.loads(sarif.read_text(encoding="utf-8"))
        for run in document["runs"]:
            run["automationDetails"] = {"id": category(path)}
        sarif.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0 if code == 1 and fail_on == NEVER else code


def main(env: dict[str, str]) -> int:
    """Check every input; record the outputs; the worst exit code."""
    paths = shlex.split(env.get("LIFECHECK_PATHS", ""))
    if not paths:
        print("lifecheck: the action's 'paths' input names no log or store", file=sys.stderr)
        return 2
    directory = Path(env.get("RUNNER_TEMP", ".")) / "lifecheck-sarif"
    directory.mkdir(parents=True, exist_ok=True)
    code = max(check(path, directory / f"{n}.sarif", env) for n, path in enumerate(paths))
    with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"sarif-dir={directory}\nexit-code={code}\n")
    return code


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
