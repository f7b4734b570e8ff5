"""What ``kirbygen deploy SITE`` and ``kirbygen versions`` do (parsers: deploy_cli.py).

``deploy`` publishes a generated site folder: it (re)builds the static export into
``SITE/.kirbygen/public``, commits the folder into its own repository
(``SITE/.kirbygen/git``, pushed to ``GIT_REMOTE_URL`` for Render), records the deployment in
``SITE/.kirbygen/deployments.json`` and runs it through the same ``PublishSite`` as the API.
Progress goes to stderr; the URL is the last line on stdout (or the record, with --json). The
local target prints its URL first and serves until SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import uuid
from pathlib import Path

from adapters.deploy.records import JsonDeploymentRepository
from application.deployments import PublishSite, site_slug
from application.version_store import LocalRepositories
from application.versions import STATIC_DIR, SiteVersions, VersioningConfig
from config.container import Container
from config.settings import Settings
from domain.ports import GitIdentity, GitRemote, SiteBundle
from domain.project import Deployment, DeploymentStatus, DeployTarget, ProgressEvent
from entrypoints.cli_support import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from entrypoints.http.views import commit_view, deployment_view, diff_view

SITE_PROJECT = "site"  # the project id deployments of a site folder are recorded under


class _Usage(Exception):
    pass


class _PrintingRecords(JsonDeploymentRepository):
    """Deployment records beside the site that also print each progress event."""

    def append_deployment_event(self, event: ProgressEvent) -> ProgressEvent:
        stored = super().append_deployment_event(event)
        print(f"[{event.percent:3d}%] {event.message}", file=sys.stderr, flush=True)
        return stored


def _site_versions(site: Path, container: Container, settings: Settings) -> SiteVersions:
    git = settings.deploy.git
    return SiteVersions(
        container.git(),
        VersioningConfig(
            repos_dir=site / ".kirbygen",
            author=GitIdentity(git.author_name, git.author_email),
            branch=git.branch,
            max_diff_bytes=git.max_diff_bytes,
        ),
        LocalRepositories(container.git()),  # the site folder keeps its only copy
    )


def deploy(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    site: Path = args.site.resolve()
    if not (site / "index.php").is_file() or not (site / "content").is_dir():
        print(f"kirbygen: {site} is not a Kirby site folder (no index.php and content/)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    target = (args.target or settings.deploy.target).lower()
    if args.rollback and target != DeployTarget.RENDER.value:
        print("kirbygen: --rollback works with --target render", file=sys.stderr)
        return EXIT_USAGE
    records = _PrintingRecords(site / ".kirbygen" / "deployments.json")
    publish = PublishSite(deployers=container.deployers(), records=records, clock=container.clock())
    try:
        deployment, bundle = _prepare(
            args, site=site, target=target, records=records, container=container, settings=settings
        )
    except _Usage as exc:
        print(f"kirbygen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    done = publish(deployment, bundle)
    if done.status != DeploymentStatus.LIVE.value:
        if args.json:
            print(json.dumps(deployment_view(done), indent=2))
        print(f"kirbygen: the deployment failed: {done.error}", file=sys.stderr)
        return EXIT_FAILED
    if target == DeployTarget.LOCAL.value:
        return _serve_locally(done, container, args.json)
    print(json.dumps(deployment_view(done), indent=2) if args.json else done.url)
    return EXIT_OK


def _prepare(
    args: argparse.Namespace,
    *,
    site: Path,
    target: str,
    records: JsonDeploymentRepository,
    container: Container,
    settings: Settings,
) -> tuple[Deployment, SiteBundle | None]:
    deployment_id = uuid.uuid4().hex[:12]
    now = container.clock().now()
    if args.rollback:
        earlier = records.get_deployment(args.rollback)
        if earlier is None or not earlier.provider_ref or earlier.target != target:
            raise _Usage(f"no Render deployment {args.rollback!r} of this site to roll back to")
        deployment = Deployment(deployment_id, SITE_PROJECT, target, "", "queued", now,
                                commit=earlier.commit, rollback_of=earlier.id)  # fmt: skip
        records.add_deployment(deployment)
        return deployment, None
    spec = container.site_spec_reader()(site)
    static = site / STATIC_DIR
    written = container.site_output().write(static, container.static_exporter().export(spec))
    print(f"static export: {static} ({len(written.written)} written)", file=sys.stderr)
    slug = site_slug(spec.title)
    versions = _site_versions(site, container, settings)
    repo = versions.repo("site")
    git = settings.deploy.git
    remote = None
    if git.remote_url:
        remote = GitRemote(git.remote_for(slug), git.branch, git.username, git.password)
    push_to = remote if target == DeployTarget.RENDER.value else None
    commit = versions.record("site", f"deploy-{deployment_id}", site, push_to)
    deployment = Deployment(deployment_id, SITE_PROJECT, target, "", "queued", now, commit=commit)
    records.add_deployment(deployment)
    bundle = SiteBundle(slug, spec.title, site, static, commit, repo, remote)
    return deployment, bundle


def _serve_locally(done: Deployment, container: Container, as_json: bool) -> int:
    deployer = container.local_deployer()
    server = deployer.servers.get(done.id)
    print(json.dumps(deployment_view(done), indent=2) if as_json else done.url, flush=True)
    if server is not None:
        if server.kirby_url:
            print(f"Kirby site: {server.kirby_url} (Panel: {server.kirby_url}panel)", flush=True)
        else:
            print(f"Kirby site not served: {server.kirby_missing}", flush=True)
    print("serving until Ctrl-C", file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    deployer.stop(done)
    return EXIT_OK


def versions(args: argparse.Namespace, container: Container, settings: Settings) -> int:
    folder = Path(args.what)
    if folder.is_dir():
        site_versions = _site_versions(folder.resolve(), container, settings)
        repo = site_versions.repo("site")
        history = site_versions.history(repo)
        diff = site_versions.diff(repo, args.range) if args.range else None
    else:
        container.migrate_database()  # a fresh data folder answers "no project", not a crash
        service = container.versions()
        history = service.history_of(args.what)
        diff = service.diff_of(args.what, args.range) if args.range else None
    if diff is not None:
        if args.json:
            print(json.dumps(diff_view(diff), indent=2))
        else:
            for change in diff.files:
                print(f"{change.kind.value:8} {change.path}", file=sys.stderr)
            print(diff.patch, end="")
        return EXIT_OK
    if args.json:
        print(json.dumps({"items": [commit_view(c) for c in history]}, indent=2))
    else:
        for commit in history:
            print(f"{commit.id[:12]}  {commit.created:%Y-%m-%d %H:%M}  {commit.subject}")
    return EXIT_OK
