"""Every screen's style sheet is scoped to its screen: Textual joins all sheets into one, so an unscoped rule in one
screen's .tcss styles widgets with the same id or type on every other screen (PITFALLS: "Screen CSS is global").

Each selector of each rule in a .tcss under tui/ (except tui/app.tcss, the app's shared sheet) must start with the
class name of a screen that loads that sheet (or of a base class of such screens, e.g. ``AdminScreen``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES

import tui

TUI = Path(tui.__file__).parent
SHARED = TUI / "app.tcss"


def screen_classes() -> list[type[Screen[object]]]:
    for module in pkgutil.walk_packages([str(TUI)], prefix="tui."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: list[type[Screen[object]]] = []
    todo: list[type[Screen[object]]] = [*Screen.__subclasses__()]  # type: ignore[list-item]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tui."):
            found.append(cls)
    return found


def sheets_of(cls: type[Screen[object]]) -> set[Path]:
    """The .tcss files a screen class loads (CSS_PATH is relative to the file of the class that sets it)."""
    for owner in cls.__mro__:
        if "CSS_PATH" in vars(owner):
            paths = vars(owner)["CSS_PATH"]
            if paths is None:
                return set()
            listed = paths if isinstance(paths, list) else [paths]
            base = Path(inspect.getfile(owner)).parent
            return {(base / p).resolve() for p in listed}
    return set()


def owners() -> dict[Path, set[str]]:
    """Each sheet, with the names of the screen classes (and their tui base classes) that load it."""
    out: dict[Path, set[str]] = {}
    for cls in screen_classes():
        for sheet in sheets_of(cls):
            names = out.setdefault(sheet, set())
            names.update(c.__name__ for c in cls.__mro__ if c.__module__.startswith("tui."))
    return out


def unscoped_selectors(sheet: Path, allowed: set[str]) -> list[str]:
    stylesheet = Stylesheet(variables=BUILTIN_THEMES["textual-dark"].to_color_system().generate())
    stylesheet.read(sheet)
    stylesheet.parse()
    bad: list[str] = []
    for rule in stylesheet.rules:
        for selector_set in rule.selector_set:
            first = selector_set.selectors[0]
            if first.type is not SelectorType.TYPE or first.name not in allowed:
                bad.append(selector_set.css)
    return bad


SHEETS = sorted(p for p in TUI.rglob("*.tcss") if p.resolve() != SHARED.resolve())


def test_every_sheet_is_found() -> None:
    assert SHEETS, "no .tcss found under tui/"


@pytest.mark.parametrize("sheet", SHEETS, ids=[str(p.relative_to(TUI)) for p in SHEETS])
def test_every_rule_starts_with_its_screen(sheet: Path) -> None:
    allowed = owners().get(sheet.resolve(), set())
    assert allowed, f"{sheet.relative_to(TUI)} is loaded by no screen (CSS_PATH)"
    assert unscoped_selectors(sheet, allowed) == [], (
        f"rules in {sheet.relative_to(TUI)} must start with one of {sorted(allowed)}"
    )


def test_the_check_catches_an_unscoped_rule(tmp_path: Path) -> None:
    sheet = tmp_path / "x.tcss"
    sheet.write_text("KioskHome #a { height: 1; }\n#feedback { height: 1fr; }\nKioskHome #b, #c { height: 1; }\n")
    assert unscoped_selectors(sheet, {"KioskHome"}) == ["#feedback", "#c"]
