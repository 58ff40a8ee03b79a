"""Which passwords are refused (NCSC guidance): long enough, not common, not about the person."""

from __future__ import annotations

import pytest

from portal.passwords import PasswordProblem, password_problem, personal_words

SAM = personal_words("sam.jones@example.com", "Sam Jones")


@pytest.mark.parametrize("password", ["password1234", "aaaaaaaaaaaa", "qwertyuiop123", "123456789012", "iloveyou2026"])
def test_common_and_pattern_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is PasswordProblem.EASY_TO_GUESS


@pytest.mark.parametrize("password", ["sam.jones@example.com", "samjones1990!", "Jones-Sam-2026", "SAMJONESSAMJONES"])
def test_passwords_built_from_the_persons_own_email_or_name_are_refused(password: str) -> None:
    assert password_problem(password, SAM) is PasswordProblem.ABOUT_YOU


@pytest.mark.parametrize("password", ["purple monkey dishwasher", "a much longer password", "kettle orbit lantern",
                                      "Sam likes purple kettles on Sundays"])
def test_a_few_words_together_are_accepted_without_composition_rules(password: str) -> None:
    assert password_problem(password, SAM) is None


def test_length_limits() -> None:
    assert password_problem("short words") is PasswordProblem.TOO_SHORT
    assert password_problem("x" * 201) is PasswordProblem.TOO_LONG
    # Long but fine: only the first 72 characters go to zxcvbn, which refuses more.
    assert password_problem("kettle orbit lantern " * 9) is None


def test_personal_words_come_from_email_and_name_not_short_fragments() -> None:
    assert personal_words("jo.o'neill@nhs.net", "Jo O'Neill") == ["neill", "nhs", "net"]
