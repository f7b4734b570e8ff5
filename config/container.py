"""The composition root: the only place that knows which adapter serves which port."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.tokens import JwtAccessTokens, JwtPreviewTokens
from adapters.cms.kirby.adapter import KirbyAdapter
from adapters.cms.kirby.check import KirbySiteChecker
from adapters.cms.kirby.merge import KirbyContentMerger
from adapters.cms.kirby.site_reader import read_site_spec
from adapters.cms.static_html import StaticHtmlExporter
from adapters.deploy.local import LocalDeployer
from adapters.deploy.s3 import S3SiteDeployer
from adapters.git.cli import GitCli
from adapters.local.clock import SystemClock, UuidGenerator
from adapters.local.job_queue import InProcessJobQueue
from adapters.local.material import MaterialLimits, read_material
from adapters.local.probes import InProcessQueueProbe, StorageProbe
from adapters.local.progress import InProcessProgressHub
from adapters.local.rate_limit import InMemoryRateLimiter
from adapters.local.site_archive import ZipSiteArchiver
from adapters.local.site_output import LocalSiteOutput
from adapters.local.storage import LocalStorage
from adapters.render.deployer import RenderDeployer
from adapters.sql.database import create_engine_for, upgrade
from adapters.sql.deployments import SqlDeploymentRepository
from adapters.sql.probe import DatabaseProbe
from adapters.sql.repository import SqlProjectRepository
from adapters.sql.sessions import SqlSessionStore
from application.access import ProjectAccess
from application.accounts import AccountService, LoginLimit
from application.conversation import ConversationService
from application.deployments import (
    DEPLOY_JOB,
    DeploymentJobHandler,
    DeploymentService,
    DeploymentWorkspace,
    JobRouter,
    PublishSite,
    StopRequests,
)
from application.generate import GenerateSite
from application.hand_edits import KeepHandEdits
from application.locks import ProjectLocks
from application.metered_model import MeteredLanguageModel
from application.outputs import OutputService
from application.projects import ProjectService
from application.readiness import Readiness
from application.recovery import RunRecovery
from application.run_attempt import RunLimits
from application.run_events import RunEvents
from application.run_job import GenerationJobHandler
from application.runs import RunService
from application.schemas import SchemaService, SchemaStore
from application.tools import GenerationTools
from application.uploads import UploadLimits, UploadService
from application.versions import SiteVersions, VersioningConfig, VersionService
from config.backends import DatabasePool, QueueBackend, RedisSettings, S3Settings
from config.backup_settings import require_backup
from config.secrets import resolve_secrets
from config.settings import Settings, SkillsMode, WorkerSettings
from domain.llm import ModelSkillSettings
from domain.ports import GitIdentity, LanguageModel
from domain.project import Phase
from domain.validation import SchemaLimits
from plugins.manager import PluginSkillRegistry, build_plugin_manager


def package_version() -> str:
    try:
        return metadata.version("kirby-gen")
    except metadata.PackageNotFoundError:
        return "0+unknown"


if TYPE_CHECKING:
    import redis

    from adapters.s3.storage import S3Storage
    from application.backup import DatabaseBackup


def _engine(url: str, pool: DatabasePool) -> Iterator[Engine]:
    engine = create_engine_for(
        url,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_seconds,
        pool_recycle=pool.recycle_seconds,
        pool_pre_ping=pool.pre_ping,
        connect_timeout=pool.connect_timeout_seconds,
    )
    try:
        yield engine
    finally:
        engine.dispose()


# Cloud adapters are imported only when chosen: a laptop never loads boto3 or redis.
def _s3_storage(s3: S3Settings) -> Iterator[S3Storage]:
    from adapters.s3.storage import S3Options, S3Storage

    storage = S3Storage(
        S3Options(
            bucket=s3.bucket,
            region=s3.region,
            access_key_id=s3.access_key_id,
            secret_access_key=s3.secret_access_key,
            endpoint=s3.endpoint,
            path_style=s3.path_style,
            presign_seconds=s3.presign_seconds,
            multipart_threshold_bytes=s3.multipart_threshold_bytes,
            multipart_chunk_bytes=s3.multipart_chunk_bytes,
        )
    )
    try:
        yield storage
    finally:
        storage.close()


def _database_backup(settings: Settings, clock: SystemClock) -> Iterator[DatabaseBackup]:
    """`kirbygen backup`: pg_dump to the backup bucket, reached with its own credentials."""
    from adapters.postgres_dump import PgDumpTool
    from adapters.s3.storage import S3Options, S3Storage
    from application.backup import BackupPolicy, DatabaseBackup

    backup = settings.backup
    require_backup(backup, settings.database_url)
    store = S3Storage(
        S3Options(
            bucket=backup.bucket,
            region=backup.region,
            access_key_id=backup.access_key_id,
            secret_access_key=backup.secret_access_key,
            endpoint=backup.endpoint,
            path_style=backup.path_style,
        )
    )
    try:
        yield DatabaseBackup(
            dumper=PgDumpTool(settings.database_url, bin_dir=backup.pg_bin_dir),
            store=store,
            clock=clock,
            policy=BackupPolicy(prefix=backup.prefix, keep_days=backup.keep_days),
            report=lambda line: print(line, flush=True),
        )
    finally:
        store.close()


def _s3_probe(storage: S3Storage) -> object:
    from adapters.s3.storage import S3BucketProbe

    return S3BucketProbe(storage)


def _redis_client(settings: RedisSettings) -> Iterator[redis.Redis]:
    from adapters.redis.client import sync_client

    if not settings.enabled:
        raise RuntimeError("REDIS_URL is not set")
    client = sync_client(settings.url, socket_timeout=settings.socket_timeout_seconds)
    try:
        yield client
    finally:
        client.close()


def _redis_sessions(client: redis.Redis, clock: object, settings: RedisSettings) -> object:
    from adapters.redis.sessions import RedisSessionStore

    return RedisSessionStore(client, clock, key_prefix=settings.key_prefix)  # type: ignore[arg-type]


def _redis_rate_limiter(client: redis.Redis, clock: object, settings: RedisSettings) -> object:
    from adapters.redis.rate_limit import RedisRateLimiter

    return RedisRateLimiter(client, clock, key_prefix=settings.key_prefix)  # type: ignore[arg-type]


def _redis_progress(client: redis.Redis, settings: RedisSettings) -> object:
    from adapters.redis.progress import RedisProgressStream

    return RedisProgressStream(settings.url, client, key_prefix=settings.key_prefix)


def _redis_probe(settings: RedisSettings) -> Iterator[object]:
    from adapters.redis.client import RedisProbe

    probe = RedisProbe(settings.url, socket_timeout=settings.socket_timeout_seconds)
    try:
        yield probe
    finally:
        probe.close()


def _probes(*probes: object) -> list[object]:
    return list(probes)


def _redis_mode(settings: Settings) -> str:
    return "redis" if settings.backends.redis.enabled else "local"


def _language_model(settings: Settings) -> Iterator[LanguageModel | None]:
    """The Anthropic model (every call counted in the current run), or None offline."""
    if not settings.uses_claude:
        yield None
        return
    from adapters.anthropic.model import AnthropicLanguageModel  # the SDK loads only when used

    model = AnthropicLanguageModel(settings.claude)
    try:
        yield MeteredLanguageModel(model)
    finally:
        model.close()


def _model_skill_settings(settings: Settings) -> ModelSkillSettings:
    claude = settings.claude
    return ModelSkillSettings(
        documents_per_call=claude.documents_per_call,
        max_document_chars=claude.max_document_chars,
        image_px=claude.image_px,
        max_images=claude.max_images,
        max_tokens=claude.max_tokens,
        max_entities=settings.limits.max_entities,
        max_fields_per_entity=settings.limits.max_fields_per_entity,
    )


def _falls_back(settings: Settings) -> bool:
    # Only under `auto` may a failed model phase be redone by the offline skill (reported).
    return settings.skills is SkillsMode.AUTO


def _work_root(data_dir: Path) -> Path:
    # Runs write their site here before it is zipped into storage.
    return data_dir / "work"


def _queue_mode(settings: Settings) -> str:
    return "inprocess" if runs_in_process(settings) else "saq"


def runs_in_process(settings: Settings) -> bool:
    """True when `kirbygen serve` works on runs itself (no QUEUE_URL)."""
    return settings.backends.queue.backend is QueueBackend.IN_PROCESS


def _saq_queue(settings: Settings) -> object:
    from adapters.saq import SaqJobQueue, SaqPolicy

    worker = settings.worker
    name = worker.queue_name
    if settings.backends.queue.backend is QueueBackend.SAQ_REDIS:
        # Tenants of one Redis database keep their queues apart like their other keys.
        name = settings.backends.redis.key_prefix + name
    policy = SaqPolicy(
        timeout_seconds=worker.job_timeout_seconds,
        heartbeat_seconds=worker.heartbeat_seconds,
        attempts=worker.attempts,
        retry_delay_seconds=worker.retry_delay_seconds,
        retry_max_delay_seconds=worker.retry_max_delay_seconds,
        concurrency=worker.concurrency,
        sweep_seconds=worker.sweep_seconds,
    )
    return SaqJobQueue(settings.backends.queue.url, name=name, policy=policy)


def _saq_probe(settings: Settings) -> object:
    from adapters.saq.probe import SaqBrokerProbe

    return SaqBrokerProbe(settings.backends.queue.url)


def _run_limits(worker: WorkerSettings) -> RunLimits:
    return RunLimits(
        phase_timeouts={Phase(name): float(s) for name, s in worker.phase_timeouts},
        lease_seconds=worker.heartbeat_seconds,
    )


def _local_deployer(**options: Any) -> Iterator[LocalDeployer]:
    deployer = LocalDeployer(**options)
    try:
        yield deployer
    finally:
        deployer.close()


def _versioning_config(settings: Settings) -> VersioningConfig:
    git = settings.deploy.git
    return VersioningConfig(
        repos_dir=git.repos_dir or settings.data_dir / "sites",
        author=GitIdentity(git.author_name, git.author_email),
        remote_url=git.remote_url,
        branch=git.branch,
        username=git.username,
        password=git.password,
        max_diff_bytes=git.max_diff_bytes,
    )


def _deployment_workspace(data_dir: Path) -> DeploymentWorkspace:
    # Deployment jobs check versions out here; a local deployment serves from its folder.
    return DeploymentWorkspace(data_dir / "deployments")


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)
    version = providers.Callable(package_version)

    plugin_manager = providers.Singleton(
        build_plugin_manager, load_entry_points=settings.provided.load_entry_points
    )
    # The Claude family serves the model-backed slots when settings.uses_claude.
    language_model = providers.Resource(_language_model, settings)
    skills = providers.Singleton(
        PluginSkillRegistry,
        plugin_manager,
        language_model,
        settings=providers.Callable(_model_skill_settings, settings),
        fallback=providers.Callable(_falls_back, settings),
    )

    cms = providers.Singleton(KirbyAdapter)
    site_checker = providers.Singleton(KirbySiteChecker)
    site_output = providers.Singleton(LocalSiteOutput)
    content_merger = providers.Singleton(KirbyContentMerger)
    # Regenerating into a folder keeps the owner's edits of its content (read back from it).
    hand_edits = providers.Singleton(KeepHandEdits, merger=content_merger, reader=site_output)
    static_exporter = providers.Singleton(StaticHtmlExporter)

    backends = settings.provided.backends
    redis_settings = backends.redis
    # Progress fan-out and rate limits go through Redis whenever REDIS_URL is set.
    redis_mode = providers.Callable(_redis_mode, settings)
    redis_client = providers.Resource(_redis_client, redis_settings)

    storage = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(LocalStorage, root=settings.provided.data_dir),
        s3=providers.Resource(_s3_storage, backends.s3),
    )
    storage_probe = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(StorageProbe, storage),
        s3=providers.Singleton(_s3_probe, storage),
    )
    site_archiver = providers.Singleton(ZipSiteArchiver)
    engine = providers.Resource(
        _engine, url=settings.provided.effective_database_url, pool=backends.pool
    )
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
    sessions = providers.Selector(
        backends.session_backend,
        sql=providers.Singleton(SqlSessionStore, engine, clock),
        redis=providers.Singleton(_redis_sessions, redis_client, clock, redis_settings),
    )
    secrets = providers.Singleton(resolve_secrets, settings)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        secrets.provided.jwt_secret,
        lifetime_seconds=http.access_token_seconds,
        clock=clock,
    )
    rate_limiter = providers.Selector(
        redis_mode,
        local=providers.Singleton(InMemoryRateLimiter, clock),
        redis=providers.Singleton(_redis_rate_limiter, redis_client, clock, redis_settings),
    )
    # QUEUE_URL empty: `serve` works on runs itself; else SAQ, worked on by `kirbygen worker`.
    queue_mode = providers.Callable(_queue_mode, settings)
    job_queue = providers.Selector(
        queue_mode,
        inprocess=providers.Singleton(InProcessJobQueue),
        saq=providers.Singleton(_saq_queue, settings),
    )
    progress_stream = providers.Selector(
        redis_mode,
        local=providers.Singleton(InProcessProgressHub),
        redis=providers.Singleton(_redis_progress, redis_client, redis_settings),
    )
    run_events = providers.Singleton(RunEvents, repository=repository, stream=progress_stream)
    database_probe = providers.Singleton(DatabaseProbe, engine)
    queue_probe = providers.Selector(
        queue_mode,
        inprocess=providers.Singleton(InProcessQueueProbe, job_queue),
        saq=providers.Singleton(_saq_probe, settings),
    )
    redis_probe = providers.Resource(_redis_probe, redis_settings)
    readiness = providers.Selector(
        redis_mode,
        local=providers.Singleton(
            Readiness, providers.Callable(_probes, database_probe, storage_probe, queue_probe)
        ),
        redis=providers.Singleton(
            Readiness,
            providers.Callable(_probes, database_probe, redis_probe, storage_probe, queue_probe),
        ),
    )
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
        login_limit=providers.Factory(
            LoginLimit,
            limiter=rate_limiter,
            max_attempts=http.rate_limit_login_account_max_requests,
            window_ms=http.rate_limit_window_ms,
        ),
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
    project_locks = providers.Singleton(ProjectLocks, sessions)
    schemas = providers.Singleton(
        SchemaService,
        repository=repository,
        store=schema_store,
        access=project_access,
        clock=clock,
        limits=schema_limits,
        locks=project_locks,
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
        fallback=providers.Callable(_falls_back, settings),
        locks=project_locks,
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
        locks=project_locks,
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
    # --- versioning and deployments -------------------------------------------------------
    deploy_settings = settings.provided.deploy
    git = providers.Singleton(GitCli)
    site_versions = providers.Singleton(
        SiteVersions, git, providers.Callable(_versioning_config, settings)
    )
    versions = providers.Singleton(
        VersionService, versions=site_versions, repository=repository, access=project_access
    )
    deployment_records = providers.Singleton(SqlDeploymentRepository, engine)
    # Reads a generated site folder back (``kirbygen deploy SITE`` exports it again).
    site_spec_reader = providers.Object(read_site_spec)
    # A Resource: shutting the container down stops the servers it started.
    local_deployer = providers.Resource(
        _local_deployer,
        kirby_core=deploy_settings.kirby_core,
        php=deploy_settings.php_binary,
        host=deploy_settings.local_host,
        should_stop=providers.Singleton(StopRequests, sessions),
    )
    render_deployer = providers.Singleton(RenderDeployer, deploy_settings.render, git)
    s3_deployer = providers.Singleton(S3SiteDeployer, deploy_settings.s3)
    deployers = providers.Dict(local=local_deployer, render=render_deployer, s3=s3_deployer)
    publish_site = providers.Singleton(
        PublishSite, deployers=deployers, records=deployment_records, clock=clock
    )
    deployments = providers.Singleton(
        DeploymentService,
        repository=repository,
        records=deployment_records,
        versions=site_versions,
        publish=publish_site,
        queue=job_queue,
        sessions=sessions,
        access=project_access,
        clock=clock,
        ids=ids,
        default_target=deploy_settings.target,
        ttl_seconds=http.session_ttl_seconds,
    )
    deployment_job_handler = providers.Singleton(
        DeploymentJobHandler,
        repository=repository,
        records=deployment_records,
        versions=site_versions,
        publish=publish_site,
        workspace=providers.Callable(_deployment_workspace, settings.provided.data_dir),
        clock=clock,
    )

    # `kirbygen backup`: built only when asked for (it needs the backup bucket's settings).
    database_backup = providers.Resource(_database_backup, settings, clock)

    generation_job_handler = providers.Singleton(
        GenerationJobHandler,
        repository=repository,
        storage=storage,
        schemas=schema_store,
        sessions=sessions,
        queue=job_queue,
        fanout=progress_stream,
        archiver=site_archiver,
        tools=generation_tools,
        clock=clock,
        ids=ids,
        work_root=providers.Callable(_work_root, settings.provided.data_dir),
        limits=providers.Callable(_run_limits, settings.provided.worker),
        versions=site_versions,
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
    # The queue's one handler: generation runs and deployments, by the job's kind.
    job_handler = providers.Singleton(
        JobRouter,
        providers.Dict({"generate": generation_job_handler, DEPLOY_JOB: deployment_job_handler}),
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container
