"""Settings read from the environment: lists of language codes (issue 17)."""

from __future__ import annotations

import pytest

from portal.config import ConfigError, load_config


@pytest.mark.parametrize("value", ["en,cy", " en , cy ", '["en", "cy"]'])
def test_languages_from_the_environment_are_a_list_of_codes(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PORTAL_LANGUAGES", value)
    assert load_config("testing")["LANGUAGES"] == ("en", "cy")


@pytest.mark.parametrize("value", ["cy,en", "en,fr", ""])
def test_languages_must_start_with_english_and_be_known(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PORTAL_LANGUAGES", value)
    with pytest.raises(ConfigError, match="PORTAL_LANGUAGES"):
        load_config("testing")
