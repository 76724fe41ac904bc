"""Slip codes: unguessable, easy to type, forgiving of how people type them."""

from __future__ import annotations

import pytest

from campaign import feedback as fb


def test_a_code_carries_at_least_64_bits_from_an_alphabet_without_look_alikes() -> None:
    assert fb.randomness_bits() >= 64
    for ch in "0O1lI":
        assert ch not in fb.ALPHABET
    assert len(set(fb.ALPHABET)) == len(fb.ALPHABET)
    code = fb.new_code()
    assert len(code) == fb.CODE_LENGTH
    assert set(code) <= set(fb.ALPHABET)


def test_codes_do_not_repeat_and_use_the_whole_alphabet() -> None:
    codes = {fb.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes)) == set(fb.ALPHABET)


def test_the_display_form_is_grouped_and_typing_it_back_in_any_case_works() -> None:
    code = "K7QM2XHD9RTWP"
    assert fb.display_code(code) == "K7QM-2XHD-9RTWP"
    for typed in ("K7QM-2XHD-9RTWP", "k7qm 2xhd 9rtwp", " k7qm2xhd9rtwp\n", "K7QM—2XHD—9RTWP"):
        assert fb.normalize_code(typed) == code


@pytest.mark.parametrize(
    "typed",
    ["", "K7QM2XHD9RTW", "K7QM2XHD9RTWPP", "K7QM2XHD9RTW0", "K7QM2XHD9RTWO", "K7QM2XHD9RTW1", "<script>", "../../etc"],
)
def test_anything_that_cannot_be_a_code_is_recognised_as_such(typed: str) -> None:
    assert fb.normalize_code(typed) is None
