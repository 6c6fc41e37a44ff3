"""Scorecard YAML: the default card, and validation errors that name file, criterion and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from supportqa.domain.scorecard import (
    NAME_PATTERN,
    default_scorecard,
    load_scorecard,
    scorecard_from_dict,
    scorecard_slug,
)
from supportqa.errors import ConfigError


def test_default_scorecard_has_the_seed_group_weights() -> None:
    card = default_scorecard()
    groups: dict[str, float] = {}
    for c in card.criteria:
        groups[c.group] = groups.get(c.group, 0) + c.weight
    assert groups == {
        "Opening": 10,
        "Resolution": 40,
        "Communication": 20,
        "Empathy": 20,
        "Compliance": 10,
        "Customer": 0,
    }
    customer = [c.key for c in card.criteria if c.group == "Customer"]
    assert customer == ["customer_sentiment", "effort"]  # CX inputs, weight 0 in IQS
    assert {c.key for c in card.criteria if c.critical} == {"pii_exposure", "forbidden_phrases"}
    assert card.criterion("resolution").scale.max == 3
    assert card.criterion("empathy").allow_na


def test_default_scorecard_round_trips_through_yaml(tmp_path: Path) -> None:
    card = default_scorecard()
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(card.to_dict()))
    again = load_scorecard(path)
    assert again == card and again.content_hash() == card.content_hash()


def test_use_when_untrusted_round_trips_and_changes_the_content_hash(tmp_path: Path) -> None:
    base = "name: t\nversion: '1'\ncriteria: [{key: a, weight: 1, scale: binary}]\n"
    path = tmp_path / "card.yaml"
    path.write_text(base)
    plain = load_scorecard(path)
    assert plain.criterion("a").use_when_untrusted is False
    assert "use_when_untrusted" not in plain.to_dict()["criteria"][0]  # old hashes stay the same
    path.write_text(base.replace("scale: binary", "scale: binary, use_when_untrusted: true"))
    opted = load_scorecard(path)
    assert opted.criterion("a").use_when_untrusted is True
    path.write_text(yaml.safe_dump(opted.to_dict()))
    again = load_scorecard(path)
    assert again == opted and again.content_hash() != plain.content_hash()


def test_detectors_and_cx_weights_are_validated(tmp_path: Path) -> None:
    base = "name: t\nversion: '1'\ncriteria: [{key: a, weight: 1, scale: binary}]\n"
    with pytest.raises(ConfigError, match="sum to 1"):
        load_scorecard(write(tmp_path, base + "cx: {weights: {resolution: 0.5, sentiment: 0.1}}\n"))
    with pytest.raises(ConfigError, match="detector 'x'"):
        load_scorecard(write(tmp_path, base + "detectors: {x: {role: boss, exemplars: [hi]}}\n"))
    with pytest.raises(ConfigError, match="unknown field"):
        load_scorecard(write(tmp_path, base + "weights: {}\n"))
    card = load_scorecard(
        write(tmp_path, base + "detectors: {x: {role: agent, exemplars: [hi], threshold: 0.5}}\n")
    )
    assert card.detectors["x"].threshold == 0.5 and card.cx.weights["sentiment"] == 0.5


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- {key: a, weight: 150, scale: binary}", "criterion 'a': weight: "),
        ("- {key: a, weight: 10, scale: 7-point}", "criterion 'a': unknown scale '7-point'"),
        ("- {key: a, weight: 10}", "criterion 'a': missing required field 'scale'"),
        ("- {key: a, weight: 10, scale: {min: 3, max: 1}}", "criterion 'a':"),
        (
            "- {key: a, weight: 10, scale: binary, colour: red}",
            "criterion 'a': unknown field(s) colour",
        ),
        ("- {key: a, weight: 10, scale: binary, scorer: [1, 2]}", "criterion 'a': scorer must be"),
        (
            "- {key: a, weight: 1, scale: binary}\n  - {key: a, weight: 1, scale: binary}",
            "appears twice",
        ),
    ],
)
def test_validation_errors_name_file_criterion_and_problem(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = write(tmp_path, f"name: x\nversion: 1\ncriteria:\n  {body}\n")
    with pytest.raises(ConfigError) as info:
        load_scorecard(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_file_and_bad_yaml_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_scorecard(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_scorecard(write(tmp_path, "name: [unclosed"))
    with pytest.raises(ConfigError, match="missing required field 'criteria'"):
        load_scorecard(write(tmp_path, "name: x\nversion: 1\n"))


def test_scorer_forms_name_mapping_and_fallback_list(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
name: x
version: 2
criteria:
  - {key: a, weight: 1, scale: binary, scorer: greeting}
  - {key: b, weight: 1, scale: binary, scorer: {closing: {}}}
  - key: c
    weight: 1
    scale: 3-point
    scorer: [{responsiveness: {sla: {default: {first: 60, next: 60}}}}, greeting]
  - {key: d, weight: 1, scale: binary}
""",
    )
    card = load_scorecard(path)
    assert [s.name for s in card.criterion("c").scorers] == ["responsiveness", "greeting"]
    assert card.criterion("d").human_only
    assert card.version == "2"  # the YAML above says version: 2


@pytest.mark.parametrize(
    "name", ["x/../../../ESCAPED", "../up", "Default", "two words", "-lead", "", "a" * 65]
)
def test_scorecard_name_outside_the_slug_rule_is_refused_with_the_rule(name: str) -> None:
    data = default_scorecard().to_dict() | {"name": name}
    with pytest.raises(ConfigError) as caught:
        scorecard_from_dict(data, "card.yaml")
    message = str(caught.value)
    assert message.startswith("card.yaml: scorecard name") and "[a-z0-9][a-z0-9_-]{0,63}" in message


@pytest.mark.parametrize("name", ["default", "support-qa_2", "0", "a" * 64])
def test_scorecard_names_that_are_slugs_are_accepted(name: str) -> None:
    data = default_scorecard().to_dict() | {"name": name}
    assert scorecard_from_dict(data).name == name


def test_slug_of_a_name_matches_the_rule_and_avoids_taken_names() -> None:
    assert scorecard_slug("x/../../../ESCAPED") == "x----------escaped"
    assert scorecard_slug("Support QA", taken={"support-qa"}) == "support-qa-2"
    assert scorecard_slug("../") == "scorecard"
    assert NAME_PATTERN.fullmatch(scorecard_slug("É" * 100))


def test_former_name_round_trips_and_leaves_the_content_hash_alone() -> None:
    card = default_scorecard()
    renamed = scorecard_from_dict(card.to_dict() | {"former_name": "Default QA"})
    assert renamed.former_name == "Default QA"
    assert renamed.to_dict()["former_name"] == "Default QA"
    assert renamed.content_hash() == card.content_hash()
