"""Data made up from a response schema, for ``Prefer: dynamic=true`` (Prism's dynamic mode).

Every value satisfies its schema (types, enums, formats, patterns drawn from the regular expression itself,
bounds, ``nullable``, ``allOf``/``anyOf``/``oneOf``); Faker, imported on first use, makes strings read like data.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

from contract.pointer import resolve

if TYPE_CHECKING:
    from faker import Faker

MAX_EXTRA_ITEMS = 3
MAX_REPEAT = 8
SAFE_CHARACTERS = string.ascii_letters + string.digits
_CATEGORIES = {
    sre_parse.CATEGORY_DIGIT: string.digits,
    sre_parse.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_parse.CATEGORY_SPACE: " ",
    sre_parse.CATEGORY_NOT_SPACE: SAFE_CHARACTERS,
    sre_parse.CATEGORY_WORD: SAFE_CHARACTERS + "_",
    sre_parse.CATEGORY_NOT_WORD: "-.",
}


class PatternStrings:
    """Strings matching a regular expression, drawn from its parse tree (no backtracking, no retries).

    Negated classes draw from letters and digits (minus the excluded characters), so a ``[^\\s/]+`` host
    comes out as a plausible name rather than as punctuation.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, pattern: str) -> str:
        return "".join(self._emit(sre_parse.parse(pattern)))

    def _emit(self, items: Any) -> list[str]:
        out: list[str] = []
        for op, arg in items:
            out.extend(self._one(op, arg))
        return out

    def _one(self, op: Any, arg: Any) -> list[str]:
        rng = self.rng
        if op == sre_parse.LITERAL:
            return [chr(arg)]
        if op == sre_parse.NOT_LITERAL:
            return [rng.choice(SAFE_CHARACTERS.replace(chr(arg), ""))]
        if op == sre_parse.ANY:
            return [rng.choice(SAFE_CHARACTERS)]
        if op == sre_parse.IN:
            return [rng.choice(self._charset(arg))]
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, high, body = arg
            high = min(high, low + MAX_REPEAT) if high != sre_parse.MAXREPEAT else low + MAX_REPEAT
            return [part for _ in range(rng.randint(low, max(low, high))) for part in self._emit(body)]
        if op == sre_parse.SUBPATTERN:
            return self._emit(arg[-1])
        if op == sre_parse.BRANCH:
            return self._emit(rng.choice(arg[1]))
        if op == sre_parse.CATEGORY:
            return [rng.choice(_CATEGORIES[arg])]
        if op == sre_parse.AT:
            return []
        raise ValueError(f"unsupported regular expression construct {op}")

    def _charset(self, items: list[tuple[Any, Any]]) -> str:
        chosen: set[str] = set()
        negate = False
        for op, arg in items:
            if op == sre_parse.NEGATE:
                negate = True
            elif op == sre_parse.LITERAL:
                chosen.add(chr(arg))
            elif op == sre_parse.RANGE:
                chosen.update(chr(c) for c in range(arg[0], arg[1] + 1))
            elif op == sre_parse.CATEGORY:
                chosen.update(_CATEGORIES[arg])
        if negate:
            chosen = {c for c in SAFE_CHARACTERS if c not in chosen}
        return "".join(sorted(chosen))


class SchemaFaker:
    """Random, valid instances of the schemas of one (bundled) OpenAPI document."""

    def __init__(self, document: Mapping[str, Any], rng: random.Random | None = None,
                 now: datetime | None = None) -> None:
        """``now``: the moment dates are made up around (the real clock at each value by default)."""
        self.document = document
        self.now = now
        self.rng = rng or random.Random()
        self._faker_seed = self.rng.random()
        self._faker: Faker | None = None
        self.patterns = PatternStrings(self.rng)

    @property
    def faker(self) -> Faker:
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("en_US")
            self._faker.seed_instance(self._faker_seed)
        return self._faker

    def __call__(self, schema: Any, name: str = "") -> Any:
        schema = self._flatten(resolve(self.document, schema))
        if schema.get("nullable") and self.rng.random() < 0.1:
            return None
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        for combinator in ("oneOf", "anyOf"):
            if combinator in schema:
                return self(self.rng.choice(schema[combinator]), name)
        kind = schema.get("type") or ("object" if "properties" in schema else "string")
        make = getattr(self, f"_{kind}", self._string)
        return make(schema, name)

    def _flatten(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """``allOf`` merged into one schema (properties and required lists combined)."""
        if "allOf" not in schema:
            return dict(schema)
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self._flatten(resolve(self.document, part))
            properties = {**merged.get("properties", {}), **part.get("properties", {})}
            required = [*merged.get("required", ()), *part.get("required", ())]
            merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
            merged["properties"], merged["required"] = properties, list(dict.fromkeys(required))
        return merged

    # -- by type ----------------------------------------------------------------------------------------

    def _object(self, schema: Mapping[str, Any], name: str) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        value = {
            prop: self(sub, prop) for prop, sub in schema.get("properties", {}).items()
            if prop in required or self.rng.random() < 0.8
        }
        extra = schema.get("additionalProperties")
        if extra:
            limit = schema.get("maxProperties", MAX_EXTRA_ITEMS + len(value)) - len(value)
            for _ in range(self.rng.randint(0, max(0, min(MAX_EXTRA_ITEMS, limit)))):
                key = self.faker.word()
                value.setdefault(key, self(extra, key) if isinstance(extra, Mapping) and extra else
                                 self.faker.word())
        return value

    def _array(self, schema: Mapping[str, Any], name: str) -> list[Any]:
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + MAX_EXTRA_ITEMS), low + MAX_EXTRA_ITEMS)
        items = schema.get("items", {})
        values: list[Any] = []
        for _ in range(50):
            if len(values) >= self.rng.randint(low, high) and len(values) >= low:
                break
            value = self(items, name)
            if not schema.get("uniqueItems") or value not in values:
                values.append(value)
        return values

    def _integer(self, schema: Mapping[str, Any], name: str) -> int:
        low, high = schema.get("minimum", 0), schema.get("maximum", max(schema.get("minimum", 0), 0) + 1000)
        return self.rng.randint(int(low), int(high))

    def _number(self, schema: Mapping[str, Any], name: str) -> float:
        low, high = schema.get("minimum", 0), schema.get("maximum", max(schema.get("minimum", 0), 0) + 100_000)
        return round(self.rng.uniform(low, high), 2)

    def _boolean(self, schema: Mapping[str, Any], name: str) -> bool:
        return self.rng.random() < 0.5

    def _string(self, schema: Mapping[str, Any], name: str) -> str:
        pattern = schema.get("pattern")
        value = self._formatted(schema.get("format"), name)
        if pattern is not None and (value is None or not re.search(pattern, value)):
            value = self.patterns(pattern)
        if value is None:
            value = self._text(name)
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None and len(value) > high:
            value = value[:high].rstrip() or value[:high]
        if len(value) < low:
            value += "".join(self.rng.choices(string.ascii_lowercase, k=low - len(value)))
        return value

    def _formatted(self, fmt: str | None, name: str) -> str | None:
        faker = self.faker
        now = self.now or datetime.now(UTC)
        if fmt == "date-time":
            moment = now - timedelta(seconds=self.rng.randint(0, 90 * 86400))
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return (now + timedelta(days=self.rng.randint(-365, 365))).date().isoformat()
        if fmt == "email":
            return f"{faker.user_name()}@{faker.domain_name()}"
        if fmt == "uri":
            return faker.url().rstrip("/") + self.rng.choice(("", "/", "/docs", "/app/settings"))
        if fmt == "hostname":
            return faker.domain_name()
        if fmt == "uuid":
            return str(faker.uuid4())
        return None

    def _text(self, name: str) -> str:
        faker = self.faker
        if name in ("name", "title"):
            return faker.catch_phrase()
        if name in ("description", "content", "notes", "product_spec") or name.endswith("_reasoning"):
            return faker.paragraph(nb_sentences=2)
        if name in ("country",):
            return faker.country_code()
        if name in ("industry", "role", "product_used", "plan_tier"):
            return faker.word().capitalize()
        if name == "phone":
            return faker.phone_number()
        return faker.sentence(nb_words=4).rstrip(".")
