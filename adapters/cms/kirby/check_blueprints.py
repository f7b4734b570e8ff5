"""Site check, part 1: blueprints re-parse as YAML and use only Kirby 5 core field types."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from adapters.cms.kirby.kirby_types import CORE_FIELD_TYPES, DISPLAY_ONLY_FIELD_TYPES
from domain.issues import Issue, Severity

BLUEPRINT_DIR = "site/blueprints"
SECTION_TYPES = frozenset({"fields", "files", "info", "pages", "stats"})


@attrs.frozen
class BlueprintField:
    name: str
    type: str
    nested: tuple[BlueprintField, ...] = ()

    @property
    def stores_value(self) -> bool:
        return self.type not in DISPLAY_ONLY_FIELD_TYPES


@attrs.frozen
class Blueprint:
    """The fields of one blueprint, keyed as Kirby reads content keys (lower-case)."""

    path: str
    fields: tuple[BlueprintField, ...]

    def field(self, name: str) -> BlueprintField | None:
        return next((f for f in self.fields if f.name == name), None)

    def value_fields(self) -> Iterator[BlueprintField]:
        return (f for f in self.fields if f.stores_value)


def load_blueprints(root: Path) -> tuple[dict[str, Blueprint], list[Issue]]:
    """Blueprints by name (``site``, ``pages/project``, ``files/image``) and their problems."""
    found: dict[str, Blueprint] = {}
    issues: list[Issue] = []
    base = root / BLUEPRINT_DIR
    if not base.is_dir():
        return found, issues
    for path in sorted(base.rglob("*.yml")):
        relative = path.relative_to(root).as_posix()
        name = path.relative_to(base).with_suffix("").as_posix()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            issues.append(_error("blueprint.bad_yaml", relative, f"Not valid YAML: {exc}."))
            continue
        if not isinstance(data, Mapping):
            issues.append(
                _error("blueprint.not_a_map", relative, "A blueprint must be a YAML map.")
            )
            continue
        if name != "site" and not data.get("title"):
            issues.append(
                _error("blueprint.title_missing", relative, "Add a `title:` to the blueprint.")
            )
        fields, problems = _form_fields(data, relative, "")
        issues.extend(problems)
        found[name] = Blueprint(path=relative, fields=tuple(fields))
    return found, issues


def _form_fields(
    node: Mapping[str, Any], path: str, where: str
) -> tuple[list[BlueprintField], list[Issue]]:
    """Fields of a form node, wherever tabs, columns or sections put them."""
    fields: list[BlueprintField] = []
    issues: list[Issue] = []
    if "fields" in node:
        more, problems = _fields(node["fields"], path, f"{where}fields")
        fields += more
        issues += problems
    for key in ("tabs", "columns", "sections"):
        if key not in node:
            continue
        for child_name, child in _children(node[key]):
            child_where = f"{where}{key}.{child_name}."
            if not isinstance(child, Mapping):
                continue  # shortcuts such as `files: true` name a section with defaults
            if key == "sections":
                section_type = child.get("type", child_name)
                if section_type not in SECTION_TYPES:
                    issues.append(
                        _error(
                            "blueprint.unknown_section_type",
                            path,
                            f"Section {child_where.rstrip('.')} has type '{section_type}', "
                            f"which Kirby does not know; use one of {sorted(SECTION_TYPES)}.",
                        )
                    )
                if section_type != "fields":
                    continue
            more, problems = _form_fields(child, path, child_where)
            fields += more
            issues += problems
    return fields, issues


def _children(node: object) -> Iterator[tuple[str, object]]:
    if isinstance(node, Mapping):
        yield from ((str(k), v) for k, v in node.items())
    elif isinstance(node, list):
        yield from ((str(i), v) for i, v in enumerate(node))


def _fields(node: object, path: str, where: str) -> tuple[list[BlueprintField], list[Issue]]:
    fields: list[BlueprintField] = []
    issues: list[Issue] = []
    for name, definition in _children(node):
        if definition is False:
            continue  # `field: false` removes an inherited field
        if not isinstance(definition, Mapping):
            issues.append(
                _error(
                    "blueprint.bad_field",
                    path,
                    f"Field {where}.{name} must be a map with at least `type:`.",
                )
            )
            continue
        # Kirby uses the field's name as its type when `type:` is missing.
        field_type = str(definition.get("type", name))
        if field_type not in CORE_FIELD_TYPES:
            issues.append(
                _error(
                    "blueprint.unknown_field_type",
                    path,
                    f"Field {where}.{name} has type '{field_type}', which is not a Kirby 5 "
                    "core field type; the Panel would show an error. Use a core type such as "
                    "text, textarea, files or structure.",
                )
            )
        nested: list[BlueprintField] = []
        if "fields" in definition:
            nested, problems = _fields(definition["fields"], path, f"{where}.{name}.fields")
            issues += problems
        fields.append(BlueprintField(name=name.lower(), type=field_type, nested=tuple(nested)))
    return fields, issues


def _error(code: str, path: str, message: str) -> Issue:
    return Issue(severity=Severity.ERROR, code=code, path=path, message=message)
