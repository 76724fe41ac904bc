"""Every input is capped, and a bracketed paste without its end is ended by a timeout (the parser, unit-tested;
the real terminal is in tests/e2e/test_kiosk_inputs.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual import events

from tui.paste_guard import BURST_KEYS, PASTE_TIMEOUT_S, PasteGuardParser

TUI = Path(__file__).resolve().parents[2] / "tui"


def test_every_input_in_the_tui_has_a_max_length() -> None:
    uncapped = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", ""))  # type: ignore[attr-defined]
            if name == "Input" and "max_length" not in {k.arg for k in node.keywords}:  # type: ignore[attr-defined]
                uncapped.append(f"{path.relative_to(TUI)}:{node.lineno}")  # type: ignore[attr-defined]
    assert uncapped == []


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_paste_without_its_end_is_ended_after_the_timeout() -> None:
    clock = Clock()
    parser = PasteGuardParser(clock=clock)
    assert list(parser.feed("\x1b[200~12")) == []
    assert list(parser.feed("34")) == []  # still pasting: nothing comes out
    clock.now += PASTE_TIMEOUT_S / 2
    assert list(parser.tick()) == []
    clock.now += PASTE_TIMEOUT_S
    pasted = list(parser.tick())
    assert [type(e) for e in pasted] == [events.Paste] and pasted[0].text == "1234"  # type: ignore[attr-defined]
    keys = list(parser.feed("\x03"))  # ctrl+c is a key again
    assert [e.key for e in keys if isinstance(e, events.Key)] == ["ctrl+c"]


def test_a_complete_paste_split_across_reads_is_untouched() -> None:
    clock = Clock()
    parser = PasteGuardParser(clock=clock)
    assert list(parser.feed("\x1b[20")) == []
    assert list(parser.feed("0~ab")) == []
    clock.now += PASTE_TIMEOUT_S / 2
    assert list(parser.feed("c")) == []
    done = list(parser.feed("\x1b[201~"))
    assert [e.text for e in done if isinstance(e, events.Paste)] == ["abc"]
    clock.now += 10 * PASTE_TIMEOUT_S
    assert list(parser.tick()) == []


def test_keys_pressed_during_an_endless_paste_do_not_keep_it_open() -> None:
    clock = Clock()
    parser = PasteGuardParser(clock=clock)
    list(parser.feed("\x1b[200~"))
    for _ in range(20):  # someone pressing ctrl+c to get out, every tenth of the timeout
        clock.now += PASTE_TIMEOUT_S / 10
        assert not [e for e in parser.feed("\x03") if isinstance(e, events.Key)]  # taken as pasted text
        list(parser.tick())
        if not parser.in_paste:
            break
    assert not parser.in_paste
    assert [e.key for e in parser.feed("\x03") if isinstance(e, events.Key)] == ["ctrl+c"]


def test_a_flood_of_typed_characters_becomes_one_paste_after_the_first_keys() -> None:
    parser = PasteGuardParser()
    out = list(parser.feed("x" * 20_000 + "\r"))
    keys = [e for e in out if isinstance(e, events.Key)]
    pastes = [e for e in out if isinstance(e, events.Paste)]
    assert len(keys) == BURST_KEYS + 1 and keys[-1].key == "enter"
    assert [len(p.text) for p in pastes] == [20_000 - BURST_KEYS]
    scanner = list(parser.feed("T001\t1234\r"))  # a badge scanner's burst stays keys
    assert [e.key for e in scanner if isinstance(e, events.Key)] == [*"T001", "tab", *"1234", "enter"]
