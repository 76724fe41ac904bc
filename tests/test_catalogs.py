"""Every message catalog: the same keys and the same placeholders in every language, and nothing empty."""

from __future__ import annotations

from importlib import resources

import pytest

from campaign.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, placeholders


def areas(lang: str) -> set[str]:
    folder = resources.files("campaign") / "locales" / lang
    return {entry.name.removesuffix(".toml") for entry in folder.iterdir() if entry.name.endswith(".toml")}


def test_every_language_has_every_catalog_file() -> None:
    expected = areas(DEFAULT_LANGUAGE)
    assert expected, "no catalogs found"
    for lang in LANGUAGES:
        assert areas(lang) == expected, lang


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_same_keys_and_placeholders(lang: str) -> None:
    base, other = catalog(DEFAULT_LANGUAGE), catalog(lang)
    assert sorted(set(base) - set(other)) == [], f"missing in {lang}"
    assert sorted(set(other) - set(base)) == [], f"only in {lang}"
    mismatched = {
        key: (sorted(placeholders(base[key])), sorted(placeholders(other[key])))
        for key in base
        if placeholders(base[key]) != placeholders(other[key])
    }
    assert mismatched == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_messages_and_all_format(lang: str) -> None:
    messages = catalog(lang)
    assert [key for key, text in messages.items() if not text.strip()] == []
    for key, text in messages.items():
        text.format(**{name: "x" for name in placeholders(text)})  # a stray brace would raise here
        assert key.count(".") >= 1
