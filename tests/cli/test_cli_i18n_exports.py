"""Issue 8: the CLI speaks the user's language everywhere (argparse's own texts, settings, help for every
argument), and every export goes to one place and says its full path."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from campaign.i18n import catalog, set_language
from campaign.settings import setting_names
from tui.cli import build_parser

from .test_contract import Cli, cli  # noqa: F401 - the fixture

ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message and exit")


def test_help_is_chinese_including_argparse_s_own_words(cli: Cli) -> None:  # noqa: F811
    with pytest.raises(SystemExit) as done:
        cli.run("member", "add", "--help")
    assert done.value.code == 0
    out = cli.capsys.readouterr().out
    assert out.startswith("用法：") and "位置参数" in out and "选项" in out and "显示本帮助并退出" in out
    assert not any(english in out for english in ARGPARSE_ENGLISH), out


def test_a_usage_error_is_chinese(cli: Cli) -> None:  # noqa: F811
    with pytest.raises(SystemExit) as done:
        cli.run("member", "add", "T9")
    assert done.value.code == 2
    err = cli.capsys.readouterr().err
    assert "错误：缺少以下参数" in err and "usage:" not in err and "error:" not in err


def test_a_bad_choice_is_chinese(cli: Cli) -> None:  # noqa: F811
    with pytest.raises(SystemExit):
        cli.run("member", "add", "T9", "张三", "--school", "第十八中学", "--role", "boss")
    assert "无效的选择" in cli.capsys.readouterr().err


def _arguments(parser: argparse.ArgumentParser, path: list[str]) -> list[tuple[str, argparse.Action]]:
    out: list[tuple[str, argparse.Action]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"subcommand {' '.join([*path, name])} has no help text"
                out += _arguments(sub, [*path, name])
        else:
            out.append((" ".join(path), action))
    return out


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_option_has_a_help_text(lang: str) -> None:
    set_language(lang)
    missing = [f"{where} {a.option_strings or a.dest}" for where, a in _arguments(build_parser(), []) if not a.help]
    assert missing == []


def test_settings_are_described_in_the_catalogs_in_both_languages(cli: Cli) -> None:  # noqa: F811
    for lang in ("zh_CN", "en"):
        assert {f"settings_help.{n}" for n in setting_names()} <= set(catalog(lang))
    code, out, _ = cli.run("settings")
    assert code == 0
    assert "签到机无人操作多少秒后回到首页" in out and "Seconds without input" not in out


def test_a_report_export_goes_to_the_exports_folder_and_says_its_full_path(
    cli: Cli,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = cli.run("report", "attendance", "--out", "attendance.csv")
    assert code == 0, err
    written = (cli.data_dir / "exports" / "attendance.csv").resolve()
    assert written.is_file() and not (elsewhere / "attendance.csv").exists()
    assert str(written) in out
    doc = cli.json("report", "attendance", "--out", "again.xlsx")
    assert doc["out"] == str((cli.data_dir / "exports" / "again.xlsx").resolve())
