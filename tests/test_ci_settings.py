"""Settings of ``lifecheck check`` in a config file: found, checked, and shown with sources."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from lifecheck.checker.commands.check_command import check
from lifecheck.checker.commands.cli import cli
from lifecheck.checker.commands.config import UNSETTABLE, find_config, settable

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = str(resources.files("checker") / "examples" / "pr-2330-crash-loop.jsonl")
CLEAN = str(resources.files("checker") / "examples" / "clean-day.jsonl")


def _check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args])


def _settings(*args: str) -> dict[str, tuple[str, str]]:
    """``--show-settings``: each key's shown value and source."""
    result = _check("--show-settings", *args)
    assert result.exit_code == 0, result.output
    rows = {}
    for row in result.stdout.splitlines()[1:]:
        setting, source = row.split("  # ")
        key, value = setting.split(" = ", 1)
        rows[key.strip()] = (value.strip(), source)
    return rows


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with ``pyproject.toml``; the working directory two levels below it."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.lifecheck]\nfail-on = "error"\nsemantics = "3d1b4c5d"\n'
    )
    nested = tmp_path / "logs" / "today"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    return tmp_path


def test_the_nearest_pyproject_toml_is_found_from_a_nested_directory(project: Path) -> None:
    """Its [tool.lifecheck] settings apply, each shown with the file as its source."""
    settings = _settings()
    config = str(project / "pyproject.toml")
    assert settings["fail-on"] == ('"error"', config)
    assert settings["semantics"] == ('"3d1b4c5d"', config)
    assert settings["format"] == ('"text"', "default")


def test_the_settings_change_the_check(project: Path) -> None:
    """exit-zero and quiet from the file: findings exit 0, and only the summary shows."""
    (project / "pyproject.toml").write_text("[tool.lifecheck]\nexit-zero = true\nquiet = true\n")
    result = _check(EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout == "7 errors, 4 warnings, 0 info in 1 input (semantics d11b83e)\n"


def test_the_command_line_wins_over_the_config(project: Path) -> None:
    settings = _settings("--fail-on", "warning", "--semantics", "d11b83e")
    assert settings["fail-on"] == ('"warning"', "command line")
    assert settings["semantics"] == ('"d11b83e"', "command line")


def test_lifecheck_toml_wins_in_its_directory_and_is_read_whole(project: Path) -> None:
    (project / "lifecheck.toml").write_text('color = "never"\n')
    settings = _settings()
    assert settings["color"] == ('"never"', str(project / "lifecheck.toml"))
    assert settings["fail-on"] == ('"warning"', "default")  # the pyproject.toml is not read


def test_a_lifecheck_toml_written_like_a_pyproject_says_how_it_is_written(
    project: Path,
) -> None:
    (project / "lifecheck.toml").write_text('[tool.lifecheck]\ncolor = "never"\n')
    result = _check("--show-settings")
    assert result.exit_code == 2
    assert "tool: unknown setting (a lifecheck.toml holds its settings at its top level)" in (
        result.output
    )


def test_a_pyproject_toml_without_the_table_does_not_stop_the_search(project: Path) -> None:
    (project / "logs" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert find_config(Path.cwd()) == project / "pyproject.toml"
    (project / "logs" / "pyproject.toml").write_text("[tool.lifecheck]\njobs = 1\n")
    assert find_config(Path.cwd()) == project / "logs" / "pyproject.toml"


def test_no_config_file_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config(tmp_path) is None
    result = _check("--show-settings")
    assert result.stdout.splitlines()[0] == f"config file: none found from {tmp_path} upwards"


def test_config_names_the_file_and_isolated_reads_none(project: Path, tmp_path: Path) -> None:
    other = project / "ci.toml"
    other.write_text('format = "github"\n')
    assert _settings("--config", str(other))["format"] == ('"github"', str(other))
    assert _settings("--config", str(other))["fail-on"] == ('"warning"', "default")
    isolated = _settings("--isolated")
    assert isolated["fail-on"] == ('"warning"', "default")
    shown = _check("--isolated", "--show-settings").stdout
    assert shown.startswith("config file: none (--isolated)\n")
    result = _check("--isolated", "--config", str(other), EXAMPLE)
    assert (result.exit_code, result.stderr) == (
        2, "lifecheck: --config and --isolated cannot be used together\n",
    )  # fmt: skip


def test_a_relative_path_is_taken_from_the_config_files_directory(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.lifecheck]\noutput-file = "out/report.txt"\n')
    assert _settings()["output-file"][0] == f'"{project / "out" / "report.txt"}"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail_on = "error"', "fail_on: unknown setting (did you mean 'fail-on'?)"),
        ('fail-on = "eror"', "fail-on: 'eror' is not one of 'error', 'warning'."),
        ("jobs = 0", "jobs: 0 is not in the range x>=1."),
        ("jobs = [1, 2]", "jobs: expected one value, not an array"),
        ('exact = "yes"', "exact: expected true or false, not 'yes'"),
        ("statistics = 1", "statistics: expected true or false, not 1"),
        ("semantics = true", "semantics: expected a string or a number, not true"),
        ("color = {a = 1}", "color: expected one value, not an array"),
        ("isolated = true", "isolated: can only be given on the command line"),
        ('config = "x.toml"', "config: can only be given on the command line"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_file_and_key(
    project: Path, text: str, message: str
) -> None:
    """Exit 2, nothing checked, one line: file, table, key and what is wrong."""
    (project / "pyproject.toml").write_text(f"[tool.lifecheck]\n{text}\n")
    result = _check(EXAMPLE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"lifecheck: {project / 'pyproject.toml'}: [tool.lifecheck] {message}\n"


def test_toml_that_does_not_parse_is_one_line_with_its_line(project: Path) -> None:
    (project / "lifecheck.toml").write_text('fail-on = "error"\njobs = \n')
    result = _check(EXAMPLE)
    assert result.exit_code == 2
    assert result.stderr == (
        f"lifecheck: {project / 'lifecheck.toml'}: not valid TOML: "
        "Invalid value (at line 2, column 8)\n"
    )


def test_a_missing_config_file_or_table_is_one_line(project: Path) -> None:
    result = _check("--config", "nowhere.toml", EXAMPLE)
    assert result.exit_code == 2
    assert result.stderr == "lifecheck: nowhere.toml: no such file or directory\n"
    (project / "logs" / "pyproject.toml").write_text("[tool.ruff]\n")
    result = _check("--config", "../pyproject.toml", EXAMPLE)
    assert result.stderr == "lifecheck: ../pyproject.toml: no [tool.lifecheck] table\n"


def test_help_and_completion_work_whatever_the_config(project: Path) -> None:
    (project / "lifecheck.toml").write_text("jobs = \n")
    result = _check("--help")
    assert result.exit_code == 0
    assert "--show-settings" in result.stdout
    completion = CliRunner().invoke(
        cli, [], prog_name="lifecheck", complete_var="_LIFECHECK_COMPLETE",
        env={"_LIFECHECK_COMPLETE": "bash_complete", "COMP_WORDS": "lifecheck check --show-s",
             "COMP_CWORD": "2"},
    )  # fmt: skip
    assert (completion.exit_code, completion.stdout) == (0, "plain,--show-settings\n")


# --- every option of check is settable -------------------------------------------------------


def _sample(key: str, option: click.Option) -> tuple[str, list[str]]:
    """A value for ``option`` other than its default: in TOML, and on the command line."""
    if option.is_flag:
        return "true", [f"--{key}"]
    if isinstance(option.type, click.Choice):
        choice = next(str(c) for c in option.type.choices if c != option.default)
        return (f'["{choice}"]' if option.multiple else f'"{choice}"'), [f"--{key}", choice]
    if isinstance(option.type, click.types.IntParamType):
        return "3", [f"--{key}", "3"]
    if isinstance(option.type, click.Path):  # relative to the file's folder
        return '"settings-test"', [f"--{key}", str(Path("..", "..", "settings-test").resolve())]
    if option.type is click.STRING:  # a rule id, or RULE=LEVEL for --severity
        value = "stale-pid=error" if key == "severity" else "stale-pid"
        return (f'["{value}"]' if option.multiple else f'"{value}"'), [f"--{key}", value]
    pytest.fail(f"no sample value for --{key} ({option.type.name}): add one to this test")


@pytest.mark.parametrize("key", sorted(settable(check)))
def test_every_option_of_check_is_settable(key: str, project: Path) -> None:
    """Whatever options check has (select, ignore, baseline... as they come): each key is
    read from the file and reaches the command as the same option on the command line."""
    option = settable(check)[key]
    text, args = _sample(key, option)
    (project / "pyproject.toml").write_text(f"[tool.lifecheck]\n{key} = {text}\n")
    seen: list[tuple[object, object]] = []

    @click.command(cls=type(check), params=check.params)
    @click.pass_context
    def probe(ctx: click.Context, **params: object) -> None:
        seen.append((params[str(option.name)], ctx.get_parameter_source(str(option.name))))

    for given in ([], [*args, "--isolated"]):
        result = CliRunner().invoke(probe, given)
        assert result.exit_code == 0, result.output
    (from_file, source), (from_command_line, _) = seen
    assert source is click.core.ParameterSource.DEFAULT_MAP
    assert from_file == from_command_line != option.get_default(click.Context(check))


def test_arrays_and_tables_become_repeated_values(project: Path) -> None:
    """A repeatable option takes an array's items, and a table's KEY=VALUE pairs
    ([tool.lifecheck.severity]); a comma-separated string option takes them joined."""
    command = click.Command(
        "probe",
        params=[
            click.Option(["--severity"], multiple=True),
            click.Option(["--select"]),
            click.Option(["--ignore"], multiple=True),
        ],
        callback=lambda **params: click.echo(repr(sorted(params.items()))),
    )
    configured = type(check)("probe", params=command.params, callback=command.callback)
    (project / "pyproject.toml").write_text(
        "[tool.lifecheck]\nselect = ['a', 'b']\nignore = ['c', 'd']\n"
        "[tool.lifecheck.severity]\nstale-pid = 'error'\npid-reuse = 'info'\n"
    )
    result = CliRunner().invoke(configured, [])
    assert result.stdout == repr([
        ("ignore", ("c", "d")), ("select", "a,b"),
        ("severity", ("stale-pid=error", "pid-reuse=info")),
    ]) + "\n"  # fmt: skip


def test_the_three_that_choose_the_settings_are_not_settable() -> None:
    assert {"config", "isolated", "show-settings"} & set(settable(check)) == set()
    assert {"config", "isolated", "show-settings", "help"} <= set(UNSETTABLE)


def test_show_settings_matches_golden_file(
    project: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every option, its value and its source (default, file, command line, environment)."""
    (project / "pyproject.toml").write_text(
        '[tool.lifecheck]\nfail-on = "error"\nsemantics = "3d1b4c5d"\nexact = true\n'
    )
    monkeypatch.setenv("LIFECHECK_CHECK_COLOR", "never")
    result = CliRunner().invoke(
        cli, ["check", "--show-settings", "-j", "2", "--statistics", EXAMPLE],
        auto_envvar_prefix="LIFECHECK",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    actual = result.stdout.replace(str(project), "<project>")
    golden = GOLDEN / "show-settings.txt"
    if update_golden:
        golden.write_text(actual)
    assert golden.read_text() == actual
    assert os.path.isfile(EXAMPLE)  # nothing checked, whatever the paths
