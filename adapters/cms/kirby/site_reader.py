"""Reads a generated Kirby site folder back as the ``SiteSpec`` it was made from: the schema,
content and design the generator kept in ``.kirbygen/``, and the media files beside the
pages (matched to the content's references by the names the generator gave them)."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.cms.kirby.naming import safe_filename
from adapters.cms.kirby.txt import decode
from domain.content import StructuredContent
from domain.design import DesignSystem
from domain.errors import KirbyGenError
from domain.media_types import identify
from domain.schema import ContentSchema
from domain.serialization import from_json
from domain.site import MediaAsset, SiteSpec

ARTEFACTS = ".kirbygen"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _alt(meta: Path) -> str:
    if not meta.is_file():
        return ""
    try:
        fields = decode(meta.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    return str(fields.get("alt", ""))


def read_site_spec(root: Path) -> SiteSpec:
    """The site in ``root``; raises KirbyGenError naming what is missing."""
    artefacts = root / ARTEFACTS
    needed = ("schema.json", "content.json", "tokens.json")
    missing = [name for name in needed if not (artefacts / name).is_file()]
    if missing:
        raise KirbyGenError(
            f"{root} is not a site made by kirbygen generate ({ARTEFACTS}/"
            f"{', '.join(missing)} missing)",
            code="not_a_generated_site",
        )
    schema = from_json((artefacts / "schema.json").read_bytes(), ContentSchema)
    content = from_json((artefacts / "content.json").read_bytes(), StructuredContent)
    design = DesignSystem(tokens=json.loads((artefacts / "tokens.json").read_bytes()))
    report = artefacts / "report.json"
    title = schema.name
    if report.is_file():
        title = str(json.loads(report.read_bytes()).get("name") or title)
    files: dict[str, Path] = {}
    for path in sorted((root / "content").rglob("*")):
        if path.is_file() and path.suffix != ".txt":
            files.setdefault(path.name, path)
    media: dict[str, MediaAsset] = {}
    for item in content.items:
        for name in _strings(item.fields):
            found = files.get(safe_filename(name)) if name not in media else None
            if found is not None:
                data = found.read_bytes()
                alt = _alt(found.with_name(found.name + ".txt"))
                media[name] = MediaAsset(name=name, data=data, media_type=identify(data), alt=alt)
    return SiteSpec(title=title, schema=schema, content=content, design=design,
                    media=tuple(media.values()))  # fmt: skip
