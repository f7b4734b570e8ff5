"""The example material as the offline skills read it: the answers a good model would give
(schema, items), for the fake Anthropic server's responder."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from adapters.local.material import MaterialLimits, read_material
from application.ingest import ingest
from domain.content import StructuredContent
from domain.schema import ContentSchema
from plugins.manager import PluginSkillRegistry, build_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "material"


@cache
def example_answers(name: str = "Mara") -> tuple[ContentSchema, StructuredContent]:
    material = read_material(EXAMPLE, MaterialLimits(max_file_bytes=50_000_000, max_files=500))
    skills = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
    documents = ingest(material.sources, skills.parsers()).documents
    schema = skills.mapper().map(documents, None, name)
    return schema, skills.structurer().structure(documents, schema)
