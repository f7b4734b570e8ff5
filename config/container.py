"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.tokens import JwtAccessTokens, JwtPreviewTokens
from adapters.cms.kirby.adapter import KirbyAdapter
from adapters.cms.kirby.check import KirbySiteChecker
from adapters.cms.kirby.merge import KirbyContentMerger
from adapters.cms.static_html import StaticHtmlExporter
from adapters.local.clock import SystemClock, UuidGenerator
from adapters.local.job_queue import InProcessJobQueue
from adapters.local.material import MaterialLimits, read_material
from adapters.local.progress import InProcessProgressHub
from adapters.local.rate_limit import InMemoryRateLimiter
from adapters.local.site_output import LocalSiteOutput
from adapters.local.storage import LocalStorage
from adapters.sql.database import create_engine_for, upgrade
from adapters.sql.repository import SqlProjectRepository
from adapters.sql.sessions import SqlSessionStore
from application.access import ProjectAccess
from application.accounts import AccountService
from application.conversation import ConversationService
from application.generate import GenerateSite
from application.hand_edits import KeepHandEdits
from application.outputs import OutputService
from application.projects import ProjectService
from application.recovery import RunRecovery
from application.run_attempt import RunLimits
from application.run_job import GenerationJobHandler
from application.runs import RunService
from application.schemas import SchemaService, SchemaStore
from application.tools import GenerationTools
from application.uploads import UploadLimits, UploadService
from config.secrets import resolve_secrets
from config.settings import Settings, WorkerSettings
from domain.project import Phase
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


def _work_root(data_dir: Path) -> Path:
    # Runs write their site here before it is zipped into storage.
    return data_dir / "work"


def _run_limits(worker: WorkerSettings) -> RunLimits:
    return RunLimits(
        phase_timeouts={Phase(name): float(s) for name, s in worker.phase_timeouts},
        lease_seconds=worker.heartbeat_seconds,
    )


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
    content_merger = providers.Singleton(KirbyContentMerger)
    # Regenerating into a folder keeps the owner's edits of its content (read back from it).
    hand_edits = providers.Singleton(KeepHandEdits, merger=content_merger, reader=site_output)
    static_exporter = providers.Singleton(StaticHtmlExporter)

    storage = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(LocalStorage, root=settings.provided.data_dir),
    )
    engine = providers.Resource(_engine, url=settings.provided.effective_database_url)
    # Brings the database to the latest schema revision (`kirbygen db upgrade`, `serve`).
    migrate_database = providers.Callable(upgrade, settings.provided.effective_database_url)
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
    generation_tools = providers.Singleton(
        GenerationTools,
        skills=skills,
        cms=cms,
        output=site_output,
        static=static_exporter,
        limits=schema_limits,
        ingest_limits=settings.provided.ingest,
        version=version,
    )
    generate_site = providers.Factory(
        GenerateSite, tools=generation_tools, clock=clock, hand_edits=hand_edits
    )

    # --- the API and its in-process worker ---------------------------------------------------
    http = settings.provided.http
    sessions = providers.Singleton(SqlSessionStore, engine, clock)
    secrets = providers.Singleton(resolve_secrets, settings)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        secrets.provided.jwt_secret,
        lifetime_seconds=http.access_token_seconds,
        clock=clock,
    )
    rate_limiter = providers.Singleton(InMemoryRateLimiter, clock)
    job_queue = providers.Singleton(InProcessJobQueue)
    progress_hub = providers.Singleton(InProcessProgressHub)
    project_access = providers.Singleton(ProjectAccess, repository)
    schema_store = providers.Singleton(SchemaStore, storage)
    upload_limits = providers.Singleton(
        UploadLimits,
        max_file_bytes=http.max_upload_bytes,
        max_request_bytes=http.max_request_bytes,
        max_files=http.max_files_per_request,
    )
    projects = providers.Singleton(
        ProjectService,
        repository=repository,
        storage=storage,
        sessions=sessions,
        access=project_access,
        clock=clock,
        ids=ids,
        ttl_seconds=http.session_ttl_seconds,
    )
    accounts = providers.Singleton(
        AccountService,
        repository=repository,
        hasher=password_hasher,
        tokens=access_tokens,
        sessions=sessions,
        ids=ids,
        projects=projects,
        session_secret=secrets.provided.session_secret,
        session_ttl_seconds=http.session_ttl_seconds,
    )
    uploads = providers.Singleton(
        UploadService,
        repository=repository,
        storage=storage,
        access=project_access,
        clock=clock,
        ids=ids,
    )
    schemas = providers.Singleton(
        SchemaService,
        repository=repository,
        store=schema_store,
        access=project_access,
        clock=clock,
        limits=schema_limits,
    )
    conversation = providers.Singleton(
        ConversationService,
        repository=repository,
        storage=storage,
        sessions=sessions,
        skills=skills,
        schemas=schemas,
        store=schema_store,
        access=project_access,
        clock=clock,
        ttl_seconds=http.session_ttl_seconds,
        max_message_chars=http.max_message_chars,
        ingest_limits=settings.provided.ingest,
    )
    runs = providers.Singleton(
        RunService,
        repository=repository,
        sessions=sessions,
        queue=job_queue,
        store=schema_store,
        access=project_access,
        clock=clock,
        ids=ids,
        ttl_seconds=http.session_ttl_seconds,
    )
    preview_tokens = providers.Singleton(
        JwtPreviewTokens,
        secrets.provided.jwt_secret,
        lifetime_seconds=http.preview_token_seconds,
        clock=clock,
    )
    outputs = providers.Singleton(
        OutputService, storage=storage, access=project_access, preview_tokens=preview_tokens
    )
    job_handler = providers.Singleton(
        GenerationJobHandler,
        repository=repository,
        storage=storage,
        schemas=schema_store,
        sessions=sessions,
        queue=job_queue,
        fanout=progress_hub,
        tools=generation_tools,
        clock=clock,
        ids=ids,
        work_root=providers.Callable(_work_root, settings.provided.data_dir),
        limits=providers.Callable(_run_limits, settings.provided.worker),
    )
    # Finds runs left active by a process that died (start-up in-process, now and then in
    # `kirbygen worker`).
    run_recovery = providers.Singleton(
        RunRecovery,
        repository=repository,
        sessions=sessions,
        queue=job_queue,
        clock=clock,
        ids=ids,
        max_resumes=settings.provided.worker.max_resumes,
        ttl_seconds=http.session_ttl_seconds,
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container
