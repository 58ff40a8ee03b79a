"""Content files and the loader: wording, codes, validation, overrides."""

import ast
import json
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from portal.instruments.definition import load_instrument, parse_instrument

INSTRUMENTS_DIR = Path(__file__).resolve().parents[3] / "portal" / "instruments"

DIALOG_SNOMED_IN_ITEM_ORDER = [
    "1037651000000100",
    "1037661000000102",
    "1037671000000109",
    "1037681000000106",
    "1037691000000108",
    "1037701000000108",
    "1037711000000105",
    "1037721000000104",
    "1037731000000102",
    "1037741000000106",
    "1037751000000109",
]


def packaged_json(instrument_id):
    path = files("portal.instruments").joinpath("content", f"{instrument_id}.en.json")
    return json.loads(path.read_text(encoding="utf-8"))


def by_number(instrument):
    return sorted(instrument.items, key=lambda item: item.number)


# DIALOG


def test_dialog_has_eleven_items_with_codes_in_item_order():
    dialog = load_instrument("dialog")

    assert len(dialog) == 11
    assert [item.code for item in by_number(dialog)] == [
        "mental_health",
        "physical_health",
        "job",
        "accommodation",
        "leisure",
        "friendships",
        "partner_family",
        "personal_safety",
        "medication",
        "practical_help",
        "meetings",
    ]


def test_dialog_snomed_codes_in_item_order():
    dialog = load_instrument("dialog")

    assert [item.snomed for item in by_number(dialog)] == DIALOG_SNOMED_IN_ITEM_ORDER


def test_dialog_scale_is_one_to_seven_with_published_labels_and_score_equal_to_value():
    options = load_instrument("dialog").item(1).options

    assert [(option.value, option.label, option.score) for option in options] == [
        (1, "Totally dissatisfied", 1),
        (2, "Very dissatisfied", 2),
        (3, "Fairly dissatisfied", 3),
        (4, "In the middle", 4),
        (5, "Fairly satisfied", 5),
        (6, "Very satisfied", 6),
        (7, "Totally satisfied", 7),
    ]


def test_dialog_wording_follow_up_notice_and_licence():
    dialog = load_instrument("dialog")

    assert dialog.question_stem == "How satisfied are you with…"
    assert dialog.item(4).text == "How satisfied are you with your accommodation?"
    assert dialog.follow_up == "Do you want more help in this area?"
    assert "East London NHS Foundation Trust" in dialog.notice
    assert "Queen Mary University of London" in dialog.notice
    assert dialog.licence_required is False
    assert dialog.extra_items == ()


# ReQoL-10


def test_reqol_negative_items_are_exactly_1_3_6_9():
    reqol = load_instrument("reqol10")

    assert len(reqol) == 10
    assert [item.number for item in reqol.items if item.reverse] == [1, 3, 6, 9]


def test_reqol_options_score_forwards_for_positive_and_backwards_for_negative_items():
    reqol = load_instrument("reqol10")
    labels = [
        "None of the time",
        "Only occasionally",
        "Sometimes",
        "Often",
        "Most or all of the time",
    ]

    positive, negative = reqol.item(2), reqol.item(6)

    assert [(o.value, o.label, o.score) for o in positive.options] == [
        (0, labels[0], 0),
        (1, labels[1], 1),
        (2, labels[2], 2),
        (3, labels[3], 3),
        (4, labels[4], 4),
    ]
    assert [(o.value, o.label, o.score) for o in negative.options] == [
        (0, labels[0], 4),
        (1, labels[1], 3),
        (2, labels[2], 2),
        (3, labels[3], 1),
        (4, labels[4], 0),
    ]


def test_reqol_item_wording_in_published_order():
    reqol = load_instrument("reqol10")

    assert reqol.item(1).text == "I found it difficult to get started with everyday tasks"
    assert reqol.item(6).text == "I thought my life was not worth living"
    assert reqol.item(10).text == "I felt confident in myself"
    assert reqol.time_frame == "Over the last week"


def test_reqol_physical_health_item_is_extra_and_not_scored():
    reqol = load_instrument("reqol10")
    physical = reqol.item_by_code("physical_health")

    assert physical.extra is True
    assert physical in reqol.extra_items
    assert physical not in reqol.items
    assert physical.number not in range(1, 11)
    assert [o.label for o in physical.options] == [
        "No problems",
        "Slight problems",
        "Moderate problems",
        "Severe problems",
        "Very severe problems",
    ]
    assert [o.value for o in physical.options] == [0, 1, 2, 3, 4]


def test_reqol_notice_licence_and_total_code():
    reqol = load_instrument("reqol10")

    assert reqol.licence_required is True
    assert "University of Sheffield" in reqol.notice
    assert "Oxford University Innovation" in reqol.notice
    assert reqol.codes["total"] == "1091071000000100"


# GBO


def test_gbo_scale_is_zero_to_ten_with_anchors():
    options = load_instrument("gbo").item(1).options
    labels = {option.value: option.label for option in options}

    assert [option.value for option in options] == list(range(11))
    assert labels[0] == "No progress"
    assert labels[5] == "Half way"
    assert labels[10] == "Goal reached"


def test_gbo_codes_and_notice():
    gbo = load_instrument("gbo")

    assert gbo.codes["goal_score"] == "959951000000108"
    assert [item.snomed for item in by_number(gbo)] == [
        "1034351000000101",
        "1034361000000103",
        "1034371000000105",
    ]
    assert "CC BY-NC-SA 4.0" in gbo.notice
    assert "Duncan Law" in gbo.notice
    assert "CORC" in gbo.notice
    assert gbo.licence_required is False


# Instrument helpers and loader


def test_item_lookup_by_number_and_code():
    dialog = load_instrument("dialog")

    assert dialog.item(8).code == "personal_safety"
    assert dialog.item_by_code("medication").number == 9
    with pytest.raises(KeyError):
        dialog.item(12)
    with pytest.raises(KeyError):
        dialog.item_by_code("housing")


def test_loader_caches_per_arguments():
    assert load_instrument("gbo") is load_instrument("gbo")


def test_instrument_is_immutable():
    dialog = load_instrument("dialog")

    with pytest.raises(AttributeError):
        dialog.title = "Changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        dialog.codes["x"] = "1"  # type: ignore[index]


def test_content_dir_replacement_file_is_used(tmp_path):
    data = packaged_json("reqol10")
    data["version"] = "Trust licensed copy 2.0"
    data["items"][0]["text"] = "Licensed wording of item 1"
    (tmp_path / "reqol10.en.json").write_text(json.dumps(data), encoding="utf-8")

    reqol = load_instrument("reqol10", content_dir=tmp_path)

    assert reqol.version == "Trust licensed copy 2.0"
    assert reqol.item(1).text == "Licensed wording of item 1"
    assert load_instrument("reqol10").item(1).text != "Licensed wording of item 1"


def test_content_dir_as_string_without_the_file_falls_back_to_packaged(tmp_path):
    dialog = load_instrument("dialog", content_dir=str(tmp_path))

    assert dialog.title == "DIALOG"


def test_items_keep_display_order_but_are_found_by_number(tmp_path):
    data = packaged_json("dialog")
    items = data["items"]
    items[5], items[6] = items[6], items[5]
    (tmp_path / "dialog.en.json").write_text(json.dumps(data), encoding="utf-8")

    dialog = load_instrument("dialog", content_dir=tmp_path)

    assert [item.number for item in dialog.items][5:7] == [7, 6]
    assert dialog.item(6).code == "friendships"


@pytest.mark.parametrize("instrument_id", ["../dialog", "DIALOG", "", "dialog.en"])
def test_unsafe_or_invalid_instrument_id_is_refused(instrument_id):
    with pytest.raises(ValueError, match="Invalid instrument id"):
        load_instrument(instrument_id)


def test_invalid_language_is_refused():
    with pytest.raises(ValueError, match="Invalid language"):
        load_instrument("dialog", language="../en")


def test_missing_content_file_is_a_clear_error():
    with pytest.raises(ValueError, match=r"No content file dialog\.cy\.json"):
        load_instrument("dialog", language="cy")


def test_invalid_json_is_a_clear_error(tmp_path):
    (tmp_path / "gbo.en.json").write_text("{not json", encoding="utf-8")

    with pytest.raises(ValueError, match=r"gbo\.en\.json is not valid JSON"):
        load_instrument("gbo", content_dir=tmp_path)


# Validation of malformed content


def break_dialog(change):
    data = packaged_json("dialog")
    change(data)
    return data


def set_key(key, value):
    return lambda data: data.__setitem__(key, value)


def set_item_key(index, key, value):
    return lambda data: data["items"][index].__setitem__(key, value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_key("id", "reqol10"), "has id 'reqol10', expected 'dialog'"),
        (set_key("notice", ""), "'notice' must be a non-empty string"),
        (set_key("title", None), "'title' must be a non-empty string"),
        (set_key("licence_required", "no"), "'licence_required' must be true or false"),
        (set_key("items", []), "has no items"),
        (set_key("items", {}), "'items' must be a list"),
        (set_key("scales", {}), "'scales' must be a non-empty object"),
        (set_key("codes", {"total": "abc"}), "codes must map names to SNOMED CT identifiers"),
        (set_item_key(3, "number", 3), "item numbers must be 1..11, each once"),
        (set_item_key(10, "number", 12), "item numbers must be 1..11, each once"),
        (set_item_key(0, "number", "1"), "'number' must be a whole number"),
        (set_item_key(1, "code", "mental_health"), "item codes are not unique"),
        (set_item_key(1, "code", "Physical Health"), "item 2: 'code' must be lower_snake_case"),
        (set_item_key(2, "scale", "agreement"), "item 3: unknown scale 'agreement'"),
        (set_item_key(2, "reverse", True), "item 3: scores [1, 2, 3, 4, 5, 6, 7] do not match"),
        (set_item_key(2, "reverse", "yes"), "item 3: 'reverse' must be true or false"),
        (set_item_key(4, "snomed", "12ab"), "item 5: 'snomed' must be a SNOMED CT identifier"),
        (set_item_key(4, "text", ""), "'text' must be a non-empty string"),
    ],
)
def test_malformed_content_is_refused_with_a_clear_message(change, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_instrument(break_dialog(change), "dialog", "en", source="dialog.en.json")


def test_duplicate_option_values_are_refused():
    def duplicate(data):
        data["scales"]["satisfaction"][1]["value"] = 1

    with pytest.raises(ValueError, match="option values must be unique and ascending"):
        parse_instrument(break_dialog(duplicate), "dialog", "en")


def test_option_without_score_is_refused():
    def drop_score(data):
        del data["scales"]["satisfaction"][0]["score"]

    with pytest.raises(ValueError, match="'score' must be a whole number"):
        parse_instrument(break_dialog(drop_score), "dialog", "en")


def test_extra_item_number_clashing_with_a_scored_item_is_refused():
    data = packaged_json("reqol10")
    data["extra_items"][0]["number"] = 6

    with pytest.raises(ValueError, match="item numbers are not unique"):
        parse_instrument(data, "reqol10", "en")


def test_error_names_the_content_file():
    with pytest.raises(ValueError, match=r"^dialog\.en\.json: "):
        parse_instrument(break_dialog(set_key("notice", "")), "dialog", "en", "dialog.en.json")


# House rule


def test_instruments_import_only_the_standard_library_and_themselves():
    allowed = set(sys.stdlib_module_names) | {"portal"}
    for path in INSTRUMENTS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in allowed, f"{path.name} imports {name}"
                if top == "portal":
                    assert name.startswith("portal.instruments"), f"{path.name} imports {name}"
