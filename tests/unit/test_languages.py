from portal import languages


def test_arabic_is_written_right_to_left_and_the_others_left_to_right() -> None:
    assert languages.direction("ar") == "rtl"
    assert [languages.direction(code) for code in ("en", "cy", "pl", None, "xx")] == ["ltr"] * 5


def test_each_language_is_named_in_itself() -> None:
    names = [language.name for language in languages.offered(("en", "cy", "pl", "ar"))]
    assert names == ["English", "Cymraeg", "Polski", "العربية"]


def test_only_a_configured_language_can_be_chosen() -> None:
    assert languages.chosen("cy", ("en", "cy")) == "cy"
    assert languages.chosen("ar", ("en", "cy")) is None
    assert languages.chosen("", ("en",)) is None
    assert languages.chosen("<script>", ("en",)) is None
