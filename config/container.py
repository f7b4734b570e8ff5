"""The composition root: the only place that knows which adapter serves which port.

Nothing behind a provider is imported here: providers name their factories as
"module:name" (`_lazy`), so `kirbygen generate` never loads the web server, the database or a
cloud client, and each command starts with only what it uses (bench/startup.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.backends import (
    DatabasePool,
    QueueBackend,
    RedisSettings,
    S3Settings,
    SkillsServiceSettings,
)
from config.settings import Settings, SkillsMode, WorkerSettings

if TYPE_CHECKING:
    import redis
    from sqlalchemy.engine import Engine

    from adapters.deploy.local import LocalDeployer
    from adapters.local.clock import SystemClock
    from adapters.s3.storage import S3Storage
    from adapters.skills_http.client import SkillsClient
    from application.backup import DatabaseBackup
    from application.deployments import DeploymentWorkspace, JobRouter
    from application.project_archive import ArchiveLimits
    from application.run_attempt import RunLimits
    from application.versions import VersioningConfig
    from domain.llm import ModelSkillSettings
    from domain.ports import LanguageModel


_UNUSED_EXTRAS = (
    "starlette",
    "werkzeug",
    "fastapi",
    "fast_depends",
    "pydantic_settings",
    "pydantic",
)


class _RefuseUnusedExtras:
    """An import finder that makes importing dependency-injector's unused extras fail: its
    wiring module imports Starlette, Werkzeug and FastAPI, its providers pydantic-settings
    (else pydantic), each only to support a framework this project does not wire. A command
    that needs none of them must not pay for them; loaded modules stay as they are."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name.partition(".")[0] in _UNUSED_EXTRAS:
            raise ModuleNotFoundError(f"{name} is not needed by dependency-injector here")


_refuse = _RefuseUnusedExtras()
sys.meta_path.insert(0, _refuse)
try:
    from dependency_injector import containers, providers
finally:
    sys.meta_path.remove(_refuse)

# Every "module:name" a provider imports on first use; tests import each of them.
LAZY_TARGETS: list[str] = []


def _lazy(target: str) -> Callable[..., Any]:
    """Calls `module:name`, imported on the first call: a command loads only the adapters
    and services it asks the container for."""
    module_name, _, name = target.partition(":")
    LAZY_TARGETS.append(target)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("kirby-gen")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _engine(url: str, pool: DatabasePool) -> Iterator[Engine]:
    from adapters.sql.database import create_engine_for

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
    from config.backup_settings import require_backup

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


def _archive_limits(settings: Settings) -> ArchiveLimits:
    from application.project_archive import ArchiveLimits

    backup = settings.backup
    return ArchiveLimits(
        max_member_bytes=backup.archive_max_member_bytes,
        max_total_bytes=backup.archive_max_total_bytes,
        max_members=backup.archive_max_members,
        max_records_bytes=backup.archive_max_records_bytes,
    )


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


def _probes(*groups: list[object]) -> list[object]:
    return [probe for group in groups for probe in group]


def _redis_mode(settings: Settings) -> str:
    return "redis" if settings.backends.redis.enabled else "local"


def _language_model(settings: Settings) -> Iterator[LanguageModel | None]:
    """The Anthropic model (every call counted in the current run), or None offline."""
    if not settings.uses_claude:
        yield None
        return
    from adapters.anthropic.model import AnthropicLanguageModel  # the SDK loads only when used
    from application.metered_model import MeteredLanguageModel

    model = AnthropicLanguageModel(settings.claude)
    try:
        yield MeteredLanguageModel(model)
    finally:
        model.close()


def _model_skill_settings(settings: Settings) -> ModelSkillSettings:
    from domain.llm import ModelSkillSettings

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


def _skills_mode(settings: Settings) -> str:
    return "http" if settings.backends.skills.enabled else "inprocess"


def _skills_client(service: SkillsServiceSettings) -> Iterator[SkillsClient]:
    from adapters.skills_http.client import SkillsClient

    client = SkillsClient(service)
    try:
        yield client
    finally:
        client.close()


def _http_skills(client: SkillsClient) -> object:
    from adapters.skills_http.registry import HttpSkillRegistry

    return HttpSkillRegistry(client)


def _skills_probe(client: SkillsClient) -> object:
    from adapters.skills_http.probe import SkillsServiceProbe

    return SkillsServiceProbe(client)


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
    from application.run_attempt import RunLimits
    from domain.project import Phase

    return RunLimits(
        phase_timeouts={Phase(name): float(s) for name, s in worker.phase_timeouts},
        lease_seconds=worker.heartbeat_seconds,
    )


def _local_deployer(**options: Any) -> Iterator[LocalDeployer]:
    from adapters.deploy.local import LocalDeployer

    deployer = LocalDeployer(**options)
    try:
        yield deployer
    finally:
        deployer.close()


def _versioning_config(settings: Settings) -> VersioningConfig:
    from application.versions import VersioningConfig
    from domain.ports import GitIdentity

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
    from application.deployments import DeploymentWorkspace

    # Deployment jobs check versions out here; a local deployment serves from its folder.
    return DeploymentWorkspace(data_dir / "deployments")


def _job_router(generation: object, deployment: object) -> JobRouter:
    """The queue's one handler: generation runs and deployments, by the job's kind."""
    from application.deployments import DEPLOY_JOB, JobRouter

    return JobRouter({"generate": generation, DEPLOY_JOB: deployment})  # type: ignore[dict-item]


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(_lazy("adapters.local.clock:SystemClock"))
    ids = providers.Singleton(_lazy("adapters.local.clock:UuidGenerator"))
    version = providers.Callable(package_version)

    plugin_manager = providers.Singleton(
        _lazy("plugins.manager:build_plugin_manager"),
        load_entry_points=settings.provided.load_entry_points,
    )
    # The Claude family serves the model-backed slots when settings.uses_claude.
    language_model = providers.Resource(_language_model, settings)
    plugin_skills = providers.Singleton(
        _lazy("plugins.manager:PluginSkillRegistry"),
        plugin_manager,
        language_model,
        settings=providers.Callable(_model_skill_settings, settings),
        fallback=providers.Callable(_falls_back, settings),
    )
    # SKILLS_BASE_URL set: the skills run on `kirbygen skills-api`; else in this process.
    skills_mode = providers.Callable(_skills_mode, settings)
    skills_client = providers.Resource(_skills_client, settings.provided.backends.skills)
    skills = providers.Selector(
        skills_mode,
        inprocess=plugin_skills,
        http=providers.Singleton(_http_skills, skills_client),
    )

    cms = providers.Singleton(_lazy("adapters.cms.kirby.adapter:KirbyAdapter"))
    site_checker = providers.Singleton(_lazy("adapters.cms.kirby.check:KirbySiteChecker"))
    site_output = providers.Singleton(_lazy("adapters.local.site_output:LocalSiteOutput"))
    content_merger = providers.Singleton(_lazy("adapters.cms.kirby.merge:KirbyContentMerger"))
    # Regenerating into a folder keeps the owner's edits of its content (read back from it).
    hand_edits = providers.Singleton(
        _lazy("application.hand_edits:KeepHandEdits"), merger=content_merger, reader=site_output
    )
    static_exporter = providers.Singleton(_lazy("adapters.cms.static_html:StaticHtmlExporter"))

    backends = settings.provided.backends
    redis_settings = backends.redis
    # Progress fan-out and rate limits go through Redis whenever REDIS_URL is set.
    redis_mode = providers.Callable(_redis_mode, settings)
    redis_client = providers.Resource(_redis_client, redis_settings)

    storage = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(
            _lazy("adapters.local.storage:LocalStorage"), root=settings.provided.data_dir
        ),
        s3=providers.Resource(_s3_storage, backends.s3),
    )
    storage_probe = providers.Selector(
        settings.provided.storage_type,
        local=providers.Singleton(_lazy("adapters.local.probes:StorageProbe"), storage),
        s3=providers.Singleton(_s3_probe, storage),
    )
    site_archiver = providers.Singleton(_lazy("adapters.local.site_archive:ZipSiteArchiver"))
    engine = providers.Resource(
        _engine, url=settings.provided.effective_database_url, pool=backends.pool
    )
    # Brings the database to the latest schema revision (`kirbygen db upgrade`, `serve`).
    migrate_database = providers.Callable(
        _lazy("adapters.sql.database:upgrade"), settings.provided.effective_database_url
    )
    repository = providers.Singleton(_lazy("adapters.sql.repository:SqlProjectRepository"), engine)

    schema_limits = providers.Singleton(
        _lazy("domain.validation:SchemaLimits"),
        max_entities=settings.provided.limits.max_entities,
        max_fields_per_entity=settings.provided.limits.max_fields_per_entity,
    )
    material_limits = providers.Singleton(
        _lazy("adapters.local.material:MaterialLimits"),
        max_file_bytes=settings.provided.limits.max_file_bytes,
        max_files=settings.provided.limits.max_source_files,
    )
    material_reader = providers.Callable(
        _lazy("adapters.local.material:read_material"), limits=material_limits
    )
    # Checkpoints of a CLI run live beside the site they produced.
    checkpoint_storage = providers.Factory(_lazy("adapters.local.storage:LocalStorage"))
    generation_tools = providers.Singleton(
        _lazy("application.tools:GenerationTools"),
        skills=skills,
        cms=cms,
        output=site_output,
        static=static_exporter,
        limits=schema_limits,
        ingest_limits=settings.provided.ingest,
        version=version,
    )
    generate_site = providers.Factory(
        _lazy("application.generate:GenerateSite"),
        tools=generation_tools,
        clock=clock,
        hand_edits=hand_edits,
    )

    # --- the API and its in-process worker ---------------------------------------------------
    http = settings.provided.http
    sessions = providers.Selector(
        backends.session_backend,
        sql=providers.Singleton(_lazy("adapters.sql.sessions:SqlSessionStore"), engine, clock),
        redis=providers.Singleton(_redis_sessions, redis_client, clock, redis_settings),
    )
    secrets = providers.Singleton(_lazy("config.secrets:resolve_secrets"), settings)
    password_hasher = providers.Singleton(_lazy("adapters.auth.passwords:Argon2PasswordHasher"))
    access_tokens = providers.Singleton(
        _lazy("adapters.auth.tokens:JwtAccessTokens"),
        secrets.provided.jwt_secret,
        lifetime_seconds=http.access_token_seconds,
        clock=clock,
    )
    rate_limiter = providers.Selector(
        redis_mode,
        local=providers.Singleton(_lazy("adapters.local.rate_limit:InMemoryRateLimiter"), clock),
        redis=providers.Singleton(_redis_rate_limiter, redis_client, clock, redis_settings),
    )
    # QUEUE_URL empty: `serve` works on runs itself; else SAQ, worked on by `kirbygen worker`.
    queue_mode = providers.Callable(_queue_mode, settings)
    job_queue = providers.Selector(
        queue_mode,
        inprocess=providers.Singleton(_lazy("adapters.local.job_queue:InProcessJobQueue")),
        saq=providers.Singleton(_saq_queue, settings),
    )
    progress_stream = providers.Selector(
        redis_mode,
        local=providers.Singleton(_lazy("adapters.local.progress:InProcessProgressHub")),
        redis=providers.Singleton(_redis_progress, redis_client, redis_settings),
    )
    run_events = providers.Singleton(
        _lazy("application.run_events:RunEvents"), repository=repository, stream=progress_stream
    )
    database_probe = providers.Singleton(_lazy("adapters.sql.probe:DatabaseProbe"), engine)
    queue_probe = providers.Selector(
        queue_mode,
        inprocess=providers.Singleton(
            _lazy("adapters.local.probes:InProcessQueueProbe"), job_queue
        ),
        saq=providers.Singleton(_saq_probe, settings),
    )
    redis_probe = providers.Resource(_redis_probe, redis_settings)
    skills_probe = providers.Singleton(_skills_probe, skills_client)
    # Only what is in use is probed (and so built): Redis with REDIS_URL, the skills
    # service with SKILLS_BASE_URL.
    readiness = providers.Singleton(
        _lazy("application.readiness:Readiness"),
        providers.Callable(
            _probes,
            providers.List(database_probe),
            providers.Selector(
                redis_mode, local=providers.List(), redis=providers.List(redis_probe)
            ),
            providers.List(storage_probe, queue_probe),
            providers.Selector(
                skills_mode, inprocess=providers.List(), http=providers.List(skills_probe)
            ),
        ),
    )
    project_access = providers.Singleton(_lazy("application.access:ProjectAccess"), repository)
    schema_store = providers.Singleton(_lazy("application.schemas:SchemaStore"), storage)
    upload_limits = providers.Singleton(
        _lazy("application.uploads:UploadLimits"),
        max_file_bytes=http.max_upload_bytes,
        max_request_bytes=http.max_request_bytes,
        max_files=http.max_files_per_request,
    )
    projects = providers.Singleton(
        _lazy("application.projects:ProjectService"),
        repository=repository,
        storage=storage,
        sessions=sessions,
        access=project_access,
        clock=clock,
        ids=ids,
        ttl_seconds=http.session_ttl_seconds,
    )
    accounts = providers.Singleton(
        _lazy("application.accounts:AccountService"),
        repository=repository,
        hasher=password_hasher,
        tokens=access_tokens,
        sessions=sessions,
        ids=ids,
        projects=projects,
        login_limit=providers.Factory(
            _lazy("application.accounts:LoginLimit"),
            limiter=rate_limiter,
            max_attempts=http.rate_limit_login_account_max_requests,
            window_ms=http.rate_limit_window_ms,
        ),
        session_secret=secrets.provided.session_secret,
        session_ttl_seconds=http.session_ttl_seconds,
    )
    uploads = providers.Singleton(
        _lazy("application.uploads:UploadService"),
        repository=repository,
        storage=storage,
        access=project_access,
        clock=clock,
        ids=ids,
    )
    project_locks = providers.Singleton(_lazy("application.locks:ProjectLocks"), sessions)
    schemas = providers.Singleton(
        _lazy("application.schemas:SchemaService"),
        repository=repository,
        store=schema_store,
        access=project_access,
        clock=clock,
        limits=schema_limits,
        locks=project_locks,
    )
    conversation = providers.Singleton(
        _lazy("application.conversation:ConversationService"),
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
        _lazy("application.runs:RunService"),
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
        _lazy("adapters.auth.tokens:JwtPreviewTokens"),
        secrets.provided.jwt_secret,
        lifetime_seconds=http.preview_token_seconds,
        clock=clock,
    )
    outputs = providers.Singleton(
        _lazy("application.outputs:OutputService"),
        storage=storage,
        access=project_access,
        preview_tokens=preview_tokens,
    )
    # --- versioning and deployments -------------------------------------------------------
    deploy_settings = settings.provided.deploy
    git = providers.Singleton(_lazy("adapters.git.cli:GitCli"))
    # Every process reads and writes the histories through storage (the API and the worker
    # may not share a disk); the repositories under the data folder are caches.
    version_store = providers.Singleton(
        _lazy("application.version_store:StoredRepositories"), storage, git
    )
    site_versions = providers.Singleton(
        _lazy("application.versions:SiteVersions"),
        git,
        providers.Callable(_versioning_config, settings),
        version_store,
    )
    versions = providers.Singleton(
        _lazy("application.versions:VersionService"),
        versions=site_versions,
        repository=repository,
        access=project_access,
    )
    deployment_records = providers.Singleton(
        _lazy("adapters.sql.deployments:SqlDeploymentRepository"), engine
    )
    # Reads a generated site folder back (``kirbygen deploy SITE`` exports it again).
    site_spec_reader = providers.Object(_lazy("adapters.cms.kirby.site_reader:read_site_spec"))
    # A Resource: shutting the container down stops the servers it started.
    local_deployer = providers.Resource(
        _local_deployer,
        kirby_core=deploy_settings.kirby_core,
        php=deploy_settings.php_binary,
        host=deploy_settings.local_host,
        should_stop=providers.Singleton(_lazy("application.deployments:StopRequests"), sessions),
    )
    render_deployer = providers.Singleton(
        _lazy("adapters.render.deployer:RenderDeployer"), deploy_settings.render, git
    )
    s3_deployer = providers.Singleton(
        _lazy("adapters.deploy.s3:S3SiteDeployer"), deploy_settings.s3
    )
    deployers = providers.Dict(local=local_deployer, render=render_deployer, s3=s3_deployer)
    publish_site = providers.Singleton(
        _lazy("application.deployments:PublishSite"),
        deployers=deployers,
        records=deployment_records,
        clock=clock,
    )
    deployments = providers.Singleton(
        _lazy("application.deployments:DeploymentService"),
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
        _lazy("application.deployments:DeploymentJobHandler"),
        repository=repository,
        records=deployment_records,
        versions=site_versions,
        publish=publish_site,
        workspace=providers.Callable(_deployment_workspace, settings.provided.data_dir),
        clock=clock,
    )

    # `kirbygen export` / `kirbygen import`: one project as one portable file.
    project_records = providers.Singleton(
        _lazy("adapters.sql.project_records:SqlProjectRecords"), engine
    )
    project_archive = providers.Singleton(
        _lazy("application.project_archive:ProjectArchive"),
        records=project_records,
        repository=repository,
        storage=storage,
        versions=site_versions,
        clock=clock,
        version=version,
        limits=providers.Callable(_archive_limits, settings),
    )
    # `kirbygen backup`: built only when asked for (it needs the backup bucket's settings).
    database_backup = providers.Resource(_database_backup, settings, clock)

    generation_job_handler = providers.Singleton(
        _lazy("application.run_job:GenerationJobHandler"),
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
        _lazy("application.recovery:RunRecovery"),
        repository=repository,
        sessions=sessions,
        queue=job_queue,
        clock=clock,
        ids=ids,
        max_resumes=settings.provided.worker.max_resumes,
        ttl_seconds=http.session_ttl_seconds,
    )
    job_handler = providers.Singleton(
        _job_router, generation=generation_job_handler, deployment=deployment_job_handler
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container
