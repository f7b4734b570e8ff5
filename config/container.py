"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from adapters.cms.kirby.adapter import KirbyAdapter
from adapters.cms.kirby.check import KirbySiteChecker
from adapters.local.clock import SystemClock, UuidGenerator
from adapters.local.material import MaterialLimits, read_material
from adapters.local.site_output import LocalSiteOutput
from adapters.local.storage import LocalStorage
from adapters.sql.database import create_engine_for
from adapters.sql.repository import SqlProjectRepository
from application.generate import GenerateSite
from config.settings import Settings
from domain.validation import SchemaLimits
from plugins.manager import PluginSkillRegistry, build_plugin_manager


def package_version() -> str:
    try:
        return metadata.version("kirby-gen")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _engine(url: str) -> Iterator[Engine]:
    engine = create_engine_for(url)
    try:
        yield engine
    finally:
        engine.dispose()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)
    version = providers.Callable(package_version)

    plugin_manager = providers.Singleton(
        build_plugin_manager, load_entry_points=settings.provided.load_entry_points
    )
    skills = providers.Singleton(PluginSkillRegistry, plugin_manager)

    cms = providers.Singleton(KirbyAdapter)
    site_checker = providers.Singleton(KirbySiteChecker)
    site_output = providers.Singleton(LocalSiteOutput)

    storage = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(LocalStorage, root=settings.provided.data_dir),
    )
    engine = providers.Resource(_engine, url=settings.provided.effective_database_url)
    repository = providers.Singleton(SqlProjectRepository, engine)

    schema_limits = providers.Singleton(
        SchemaLimits,
        max_entities=settings.provided.limits.max_entities,
        max_fields_per_entity=settings.provided.limits.max_fields_per_entity,
    )
    material_limits = providers.Singleton(
        MaterialLimits,
        max_file_bytes=settings.provided.limits.max_file_bytes,
        max_files=settings.provided.limits.max_source_files,
    )
    material_reader = providers.Callable(read_material, limits=material_limits)
    # Checkpoints of a CLI run live beside the site they produced.
    checkpoint_storage = providers.Factory(LocalStorage)
    generate_site = providers.Factory(
        GenerateSite,
        skills=skills,
        cms=cms,
        output=site_output,
        clock=clock,
        schema_limits=schema_limits,
        version=version,
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container
