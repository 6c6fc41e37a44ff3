"""Scorecards: weighted criteria, their rating scales, N/A and critical rules.

A scorecard is data (YAML), never Python objects: scorers are named as `{name: {args}}` and resolved
through the scorer registry, so a stored review can always say what produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from supportqa.domain.detectors import CxConfig, DetectorSpec
from supportqa.errors import ConfigError

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
"""A scorecard's name: it becomes part of file names (`scorecard-<name>-v<version>.yaml`, trained
models), so only lowercase letters, digits, '-' and '_', starting with a letter or digit."""
NAME_RULE = (
    "lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 "
    f"characters ({NAME_PATTERN.pattern})"
)


def scorecard_slug(name: str, taken: Collection[str] = ()) -> str:
    """`name` made to match NAME_PATTERN (lowercase, every other character `-`), numbered `-2`,
    `-3`, ... when the result is in `taken`: how names stored before the rule are migrated."""
    base = re.sub(r"[^a-z0-9_-]", "-", name.strip().lower()).strip("-_")[:60] or "scorecard"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


NAMED_SCALES: dict[str, tuple[float, float]] = {
    "binary": (0, 1),
    "3-point": (1, 3),
    "4-point": (1, 4),
    "5-point": (1, 5),
}


class Scale(BaseModel):
    """A rating range; `binary` is 0/1, the n-point scales are 1..n."""

    model_config = ConfigDict(frozen=True)

    min: float
    max: float
    name: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max {self.max} must be greater than min {self.min}")
        return self

    @classmethod
    def parse(cls, value: Any) -> Scale:
        if isinstance(value, Scale):
            return value
        if isinstance(value, str):
            if value not in NAMED_SCALES:
                known = ", ".join(NAMED_SCALES)
                raise ValueError(f"unknown scale {value!r} (use one of {known} or {{min, max}})")
            low, high = NAMED_SCALES[value]
            return cls(min=low, max=high, name=value)
        if isinstance(value, dict):
            return cls.model_validate(value)
        raise ValueError(f"scale must be a name or {{min, max}}, got {value!r}")

    def contains(self, rating: float) -> bool:
        return self.min <= rating <= self.max

    def position(self, rating: float) -> float:
        """Where `rating` lies on the scale, 0 (min) to 1 (max)."""
        return (rating - self.min) / (self.max - self.min)

    def to_yaml(self) -> str | dict[str, float]:
        return self.name if self.name else {"min": self.min, "max": self.max}


class ScorerSpec(BaseModel):
    """A registered scorer's name and the arguments it is configured with."""

    model_config = ConfigDict(frozen=True)

    name: str
    args: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def parse_many(cls, value: Any) -> list[ScorerSpec]:
        """`name`, `{name: args}` or a list of those (tried in order as fallbacks)."""
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        specs: list[ScorerSpec] = []
        for item in items:
            if isinstance(item, str):
                specs.append(cls(name=item))
            elif isinstance(item, dict) and len(item) == 1:
                name, args = next(iter(item.items()))
                if args is not None and not isinstance(args, dict):
                    raise ValueError(f"arguments of scorer {name!r} must be a mapping")
                specs.append(cls(name=str(name), args=args or {}))
            else:
                raise ValueError(f"scorer must be a name or {{name: {{args}}}}, got {item!r}")
        return specs

    def to_yaml(self) -> dict[str, dict[str, Any]]:
        return {self.name: dict(self.args)}


class Criterion(BaseModel):
    """One line of the scorecard; `scorers` empty means humans rate it (status `unrated` in AI reviews)."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    group: str = "General"
    description: str = ""
    weight: float
    scale: Scale
    critical: bool = False
    allow_na: bool = False
    scorers: tuple[ScorerSpec, ...] = ()
    levels: dict[int, str] = Field(default_factory=dict)
    """What each rating means, in words (the LLM judge's rubric; also shown to reviewers)."""
    abstain_below: float | None = Field(default=None, ge=0, le=1)
    """The AI abstains (`unsure`) when its calibrated confidence — the estimated chance its answer is
    right — is below this: the criterion then counts as N/A does and goes to a person. None: it
    always answers. The default scorecard's values are chosen on development data for a target
    accuracy (`scripts/fit_confidence_calibration.py`, docs/calibration.md)."""
    use_when_untrusted: bool = False
    """Opt-in: keep this criterion in coaching focus, agent rankings and the report's agent tables
    even while the latest calibration marks the AI untrusted on it (it is still labelled so)."""

    @field_validator("key")
    @classmethod
    def _key_is_identifier(cls, value: str) -> str:
        if not value or not value.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"key {value!r} must be letters, digits, '_' or '-'")
        return value

    @field_validator("weight")
    @classmethod
    def _weight_range(cls, value: float) -> float:
        if not 0 <= value <= 100:
            raise ValueError(f"weight {value} must be between 0 and 100")
        return value

    @field_validator("levels")
    @classmethod
    def _levels_are_ratings(cls, value: dict[int, str]) -> dict[int, str]:
        for rating, text in value.items():
            if not str(text).strip():
                raise ValueError(f"level {rating} needs a description")
        return value

    @model_validator(mode="after")
    def _levels_on_scale(self) -> Criterion:
        outside = [r for r in self.levels if not self.scale.contains(r)]
        if outside:
            raise ValueError(
                f"levels {outside} lie outside the scale {self.scale.min:g}..{self.scale.max:g}"
            )
        return self

    @property
    def human_only(self) -> bool:
        return not self.scorers


class LlmConfig(BaseModel):
    """The optional LLM judge (`score --llm`): which model, and which criteria it judges.

    `criteria` None means every criterion whose first scorer is a model scorer plus every LLM-only
    criterion; rule criteria always stay with the rules.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = None
    criteria: tuple[str, ...] | None = None
    confidence_below: float = Field(default=0.6, ge=0, le=1)
    """`--llm-when low-confidence` sends a conversation when a judged criterion's local confidence is
    below this."""


class Targets(BaseModel):
    """The IQS a team aims for: one figure for the scorecard, optionally another per team. The report
    colours each agent's IQS against their team's target and shows the targets it used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    iqs: float = Field(default=88.0, ge=0, le=100)
    """88%: the usual industry benchmark, unless the team says otherwise."""
    teams: dict[str, float] = Field(default_factory=dict)

    @field_validator("teams")
    @classmethod
    def _percentages(cls, value: dict[str, float]) -> dict[str, float]:
        outside = {team: v for team, v in value.items() if not 0 <= v <= 100}
        if outside:
            raise ValueError(f"team targets must be 0..100, got {outside}")
        return value

    def for_team(self, team: str | None) -> float:
        """The team's own target, else the scorecard's."""
        return self.teams.get(team, self.iqs) if team else self.iqs


class Scorecard(BaseModel):
    """A named, versioned set of criteria; reviews keep the (name, version) they were made with."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    description: str = ""
    criteria: tuple[Criterion, ...]
    detectors: dict[str, DetectorSpec] = Field(default_factory=dict)
    """Embedding detectors by name; merged over the packaged ones (see `supportqa.models.markers`)."""
    cx: CxConfig = Field(default_factory=CxConfig)
    llm: LlmConfig = Field(default_factory=LlmConfig)
    targets: Targets = Field(default_factory=Targets)
    former_name: str | None = None
    """The name before migration 0007 made it a slug (see `scorecard_slug`); None otherwise."""

    @field_validator("name")
    @classmethod
    def _name_is_a_slug(cls, value: str) -> str:
        if not NAME_PATTERN.fullmatch(value):
            raise ValueError(
                f"scorecard name {value!r} is not allowed: use {NAME_RULE}, "
                f"e.g. {scorecard_slug(value)!r}"
            )
        return value

    @model_validator(mode="after")
    def _unique_keys(self) -> Scorecard:
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.key in seen:
                raise ValueError(f"criterion {criterion.key!r} appears twice")
            seen.add(criterion.key)
        if not self.criteria:
            raise ValueError("a scorecard needs at least one criterion")
        unknown = [k for k in self.llm.criteria or () if k not in seen]
        if unknown:
            raise ValueError(f"llm.criteria names unknown criteria: {', '.join(unknown)}")
        return self

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.criteria]

    def without_scorer(self, name: str) -> Scorecard:
        """The same scorecard with scorer `name` taken out of every criterion (one left with no
        scorer becomes human-rated): how the LLM judge stays off unless `score --llm` asks for it."""
        if not any(spec.name == name for c in self.criteria for spec in c.scorers):
            return self
        criteria = tuple(
            c.model_copy(update={"scorers": tuple(s for s in c.scorers if s.name != name)})
            for c in self.criteria
        )
        return self.model_copy(update={"criteria": criteria})

    def to_dict(self) -> dict[str, Any]:
        """The YAML shape, so a stored scorecard round-trips to the file a team wrote."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "criteria": [
                {
                    "key": c.key,
                    "name": c.name,
                    "group": c.group,
                    "description": c.description,
                    "weight": c.weight,
                    "scale": c.scale.to_yaml(),
                    "critical": c.critical,
                    "allow_na": c.allow_na,
                    **({"scorer": [s.to_yaml() for s in c.scorers]} if c.scorers else {}),
                    **({"levels": {str(k): v for k, v in c.levels.items()}} if c.levels else {}),
                    **({"abstain_below": c.abstain_below} if c.abstain_below is not None else {}),
                    **({"use_when_untrusted": True} if c.use_when_untrusted else {}),
                }
                for c in self.criteria
            ],
            **(
                {
                    "detectors": {
                        name: spec.model_dump(mode="json", exclude_defaults=True)
                        | {"role": spec.role, "exemplars": list(spec.exemplars)}
                        for name, spec in self.detectors.items()
                    }
                }
                if self.detectors
                else {}
            ),
            **({"cx": _cx_dict(self.cx)} if self.cx != CxConfig() else {}),
            **(
                {"llm": self.llm.model_dump(mode="json", exclude_defaults=True)}
                if self.llm != LlmConfig()
                else {}
            ),
            **(
                {"targets": self.targets.model_dump(mode="json", exclude_defaults=True)}
                if self.targets != Targets()
                else {}
            ),
            **({"former_name": self.former_name} if self.former_name else {}),
        }

    def content_hash(self) -> str:
        """Identifies the content, so re-saving an unchanged version is a no-op and a change is caught."""
        data = self.to_dict()
        data.pop("former_name", None)  # a note on history, not content
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cx_dict(cx: CxConfig) -> dict[str, Any]:
    """`cuts` only when set, so scorecards stored before cuts existed keep their content hash."""
    data = cx.model_dump(mode="json")
    if data.get("cuts") is None:
        data.pop("cuts", None)
    return data


def _criterion_from_raw(raw: Any, index: int, origin: str) -> Criterion:
    label = f"criterion #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: {label}: must be a mapping, got {type(raw).__name__}")
    label = f"criterion {raw.get('key', f'#{index + 1}')!r}"
    unknown = set(raw) - {
        "key",
        "name",
        "group",
        "description",
        "weight",
        "scale",
        "critical",
        "allow_na",
        "scorer",
        "levels",
        "abstain_below",
        "use_when_untrusted",
    }
    if unknown:
        raise ConfigError(f"{origin}: {label}: unknown field(s) {', '.join(sorted(unknown))}")
    for required in ("key", "weight", "scale"):
        if required not in raw:
            raise ConfigError(f"{origin}: {label}: missing required field {required!r}")
    try:
        fields = dict(raw)
        fields["scale"] = Scale.parse(fields["scale"])
        fields["scorers"] = tuple(ScorerSpec.parse_many(fields.pop("scorer", None)))
        fields.setdefault("name", str(fields["key"]).replace("_", " ").capitalize())
        return Criterion.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{origin}: {label}: {problems}") from None
    except ValueError as exc:
        raise ConfigError(f"{origin}: {label}: {exc}") from None


def scorecard_from_dict(data: Any, origin: str = "<scorecard>") -> Scorecard:
    """Validate a parsed YAML document; every error names the origin, the criterion and the problem."""
    if not isinstance(data, dict):
        raise ConfigError(
            f"{origin}: a scorecard must be a mapping with name, version and criteria"
        )
    for required in ("name", "version", "criteria"):
        if required not in data:
            raise ConfigError(f"{origin}: missing required field {required!r}")
    raw_criteria = data["criteria"]
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise ConfigError(f"{origin}: 'criteria' must be a non-empty list")
    unknown = set(data) - {
        "name",
        "version",
        "description",
        "criteria",
        "detectors",
        "cx",
        "llm",
        "targets",
        "former_name",
    }
    if unknown:
        raise ConfigError(f"{origin}: unknown field(s) {', '.join(sorted(unknown))}")
    criteria = tuple(_criterion_from_raw(raw, i, origin) for i, raw in enumerate(raw_criteria))
    detectors = _detectors_from_raw(data.get("detectors"), origin)
    try:
        cx = CxConfig.model_validate(data.get("cx") or {})
    except ValidationError as exc:
        raise ConfigError(f"{origin}: cx: {_problems(exc)}") from None
    try:
        llm = LlmConfig.model_validate(data.get("llm") or {})
    except ValidationError as exc:
        raise ConfigError(f"{origin}: llm: {_problems(exc)}") from None
    try:
        targets = Targets.model_validate(data.get("targets") or {})
    except ValidationError as exc:
        raise ConfigError(f"{origin}: targets: {_problems(exc)}") from None
    try:
        return Scorecard(
            name=str(data["name"]),
            version=str(data["version"]),
            description=str(data.get("description") or ""),
            criteria=criteria,
            detectors=detectors,
            cx=cx,
            llm=llm,
            targets=targets,
            former_name=str(data["former_name"]) if data.get("former_name") else None,
        )
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{origin}: {message}") from None


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
    )


def _detectors_from_raw(raw: Any, origin: str) -> dict[str, DetectorSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: 'detectors' must be a mapping of name to detector")
    detectors: dict[str, DetectorSpec] = {}
    for name, spec in raw.items():
        try:
            detectors[str(name)] = DetectorSpec.model_validate(spec)
        except ValidationError as exc:
            raise ConfigError(f"{origin}: detector {name!r}: {_problems(exc)}") from None
    return detectors


def load_scorecard(path: str | Path) -> Scorecard:
    """Read and validate a scorecard YAML file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read scorecard ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML ({exc})") from None
    return scorecard_from_dict(data, str(file))


def default_scorecard() -> Scorecard:
    """The packaged default scorecard (Opening 10 / Resolution 40 / Communication 20 / Empathy 20 /
    Compliance 10)."""
    text = resources.files("supportqa.scorecards").joinpath("default.yaml").read_text("utf-8")
    return scorecard_from_dict(yaml.safe_load(text), "supportqa/scorecards/default.yaml")
