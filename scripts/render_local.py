"""Run render.yaml on this machine: every service as its own process on loopback, wired the
way the Blueprint wires them on Render. See docs/operations.md, "Deploying on Render".

How each part of the Blueprint is mapped here:

- ``databases``: a fresh database on the local PostgreSQL (``--postgres``), dropped at the end;
  ``fromDatabase`` properties name it.
- ``keyvalue``: the local Redis (``--redis``); every service that uses it also gets a key
  prefix and a queue name of this run's own, so runs side by side never meet, and this run's
  keys are deleted at the end.
- S3: moto's server on a free loopback port, with the buckets the Blueprint's variables name.
- ``generateValue``: a random secret, one per variable (a group's is shared, as on Render).
- ``sync: false``: a local test value (LOCAL_VALUES below); a name without one stops the run.
- ``fromService … hostport``/``host``/``port``: the loopback port chosen for that service
  (each web and private service gets a free one as its ``PORT``; ``0.0.0.0`` in a command
  becomes ``127.0.0.1``).
- ``buildCommand``: run, except ``pip install`` steps, which this virtualenv must already
  satisfy (checked, not assumed). The static site is built into this run's folder.
- ``preDeployCommand``: run before the service starts. ``startCommand``: the process.
- The static site: served from its ``staticPublishPath`` by a small server here that applies
  the Blueprint's ``headers`` and ``routes``.
- ``runtime: docker`` (the backup cron): its ``dockerCommand`` runs natively, once, after the
  services are up, with the local ``pg_dump`` (of the local server's major version).
- Model calls: the skills run offline (``KIRBYGEN_SKILLS=offline``): no key leaves the machine.

``--smoke`` runs ``kirbygen smoke`` against the API once everything answers, runs the cron job
once, stops everything and exits with 0 only if both passed. Without it the services stay up
until Ctrl-C. Everything started is stopped, also on a failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import http.server
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's bin: kirbygen, python
START_SECONDS = 90
STOP_SECONDS = 20
S3_KEY = "render-local"
# Variables the local run sets beside the Blueprint's own (why: see the module's doc).
OFFLINE = {"KIRBYGEN_SKILLS": "offline"}


class RenderLocalError(Exception):
    """Something the run cannot go on without; printed as one line."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def say(message: str) -> None:
    print(f"render-local: {message}", flush=True)


# -- the local resources --------------------------------------------------------------------


@dataclass
class Local:
    """What this run made: its id, database URLs, ports, the S3 endpoint, its folder."""

    run_id: str
    work: Path
    postgres_admin: str
    redis_base: str
    s3_endpoint: str = ""
    databases: dict[str, str] = field(default_factory=dict)  # Blueprint name -> URL
    ports: dict[str, int] = field(default_factory=dict)
    generated: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def redis_prefix(self) -> str:
        return f"{self.run_id}:"

    @property
    def queue_name(self) -> str:
        return f"kirbygen-{self.run_id}"

    def bucket(self, variable: str) -> str:
        kind = variable.removesuffix("S3_BUCKET").strip("_").lower() or "storage"
        return f"kirbygen-{self.run_id}-{kind}"


def local_values(local: Local, urls: dict[str, str]) -> dict[str, str]:
    """The value a person would type for each ``sync: false`` variable, for this run."""
    values = {
        "API_URL": urls.get("api", ""),
        "CORS_ORIGINS": urls.get("static", ""),
        "ANTHROPIC_API_KEY": "",  # the skills run offline here
    }
    for prefix in ("S3_", "BACKUP_S3_"):
        values |= {
            f"{prefix}BUCKET": local.bucket(f"{prefix}BUCKET"),
            f"{prefix}REGION": "us-east-1",
            f"{prefix}ENDPOINT": local.s3_endpoint,
            f"{prefix}ACCESS_KEY_ID": S3_KEY,
            f"{prefix}SECRET_ACCESS_KEY": S3_KEY,
        }
    return values


@contextlib.contextmanager
def postgres_databases(local: Local, names: list[str]) -> Iterator[None]:
    import psycopg
    from psycopg import sql

    made: list[str] = []
    try:
        with psycopg.connect(local.postgres_admin, autocommit=True, connect_timeout=5) as conn:
            for name in names:
                database = f"{local.run_id}_{name}".replace("-", "_")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                made.append(database)
                base = local.postgres_admin.rsplit("/", 1)[0]
                local.databases[name] = f"{base}/{database}"
                say(f"database {name}: {local.databases[name]}")
        yield
    finally:
        if made:
            with psycopg.connect(local.postgres_admin, autocommit=True) as conn:
                for database in made:
                    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    conn.execute(drop.format(sql.Identifier(database)))
                    say(f"dropped database {database}")


@contextlib.contextmanager
def redis_keys(local: Local) -> Iterator[None]:
    try:
        yield
    finally:
        import redis

        client = redis.Redis.from_url(local.redis_base)
        try:
            keys = list(client.scan_iter(match=f"*{local.run_id}*", count=500))
            if keys:
                client.delete(*keys)
            say(f"deleted {len(keys)} Redis keys of this run")
        finally:
            client.close()


@contextlib.contextmanager
def moto(local: Local, buckets: list[str]) -> Iterator[None]:
    port = free_port()
    log = (local.work / "moto.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        local.s3_endpoint = f"http://127.0.0.1:{port}"
        wait_http(f"{local.s3_endpoint}/", "moto", process, any_status=True)
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=local.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_KEY,
        )
        for bucket in buckets:
            client.create_bucket(Bucket=bucket)
        client.close()
        say(f"S3 (moto) at {local.s3_endpoint}, buckets {', '.join(buckets)}")
        yield
    finally:
        stop(process, "moto")
        log.close()


# -- the Blueprint --------------------------------------------------------------------------


def kind(service: dict[str, Any]) -> str:
    return "static" if service.get("runtime") == "static" else str(service["type"])


def env_entries(
    blueprint: dict[str, Any], service: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(owner, entry) for each variable; a group's variables are owned by the group."""
    groups = {g["name"]: g.get("envVars", []) for g in blueprint.get("envVarGroups", [])}
    entries: list[tuple[str, dict[str, Any]]] = []
    for entry in service.get("envVars", []):
        if "fromGroup" in entry:
            entries += [(f"group:{entry['fromGroup']}", e) for e in groups[entry["fromGroup"]]]
        else:
            entries.append((service["name"], entry))
    return entries


def resolve(
    blueprint: dict[str, Any], name: str, local: Local, urls: dict[str, str]
) -> dict[str, str]:
    services = {s["name"]: s for s in blueprint["services"]}
    service = services[name]
    prompted = local_values(local, urls)
    env: dict[str, str] = {}
    uses_redis = False
    for owner, entry in env_entries(blueprint, service):
        key = entry["key"]
        if "value" in entry:
            env[key] = str(entry["value"])
        elif entry.get("generateValue"):
            env[key] = local.generated.setdefault((owner, key), secrets.token_urlsafe(32))
        elif entry.get("sync") is False:
            if key not in prompted:
                raise RenderLocalError(
                    f"{name}: no local value for {key} (sync: false); add one to LOCAL_VALUES"
                )
            env[key] = prompted[key]
        elif "fromDatabase" in entry:
            env[key] = database_property(local, entry["fromDatabase"])
        elif "fromService" in entry:
            source = entry["fromService"]
            target = services[source["name"]]
            if "envVarKey" in source:
                env[key] = resolve(blueprint, target["name"], local, urls)[source["envVarKey"]]
            elif target["type"] == "keyvalue":
                uses_redis = True
                env[key] = service_property(local, target, source["property"])
            else:
                env[key] = service_property(local, target, source["property"])
    if name in local.ports:
        env["PORT"] = str(local.ports[name])
    if uses_redis:
        env |= {"REDIS_KEY_PREFIX": local.redis_prefix, "KIRBYGEN_QUEUE_NAME": local.queue_name}
    if any(k.startswith("S3_") for k in env):
        env["S3_FORCE_PATH_STYLE"] = "true"
    if any(k.startswith("BACKUP_S3_") for k in env):
        env["BACKUP_S3_FORCE_PATH_STYLE"] = "true"
    return env | OFFLINE


def database_property(local: Local, reference: dict[str, str]) -> str:
    from urllib.parse import urlsplit

    url = local.databases[reference["name"]]
    parts = urlsplit(url)
    return {
        "connectionString": url,
        "host": parts.hostname or "",
        "port": str(parts.port or 5432),
        "user": parts.username or "",
        "password": parts.password or "",
        "database": parts.path.lstrip("/"),
    }[reference["property"]]


def service_property(local: Local, target: dict[str, Any], prop: str) -> str:
    if target["type"] == "keyvalue":
        if prop == "connectionString":
            return local.redis_base
        host_port = local.redis_base.split("//", 1)[1].split("/", 1)[0]
        return {"host": host_port.split(":")[0], "port": host_port.split(":")[1]}[prop]
    port = local.ports[target["name"]]
    return {"host": "127.0.0.1", "port": str(port), "hostport": f"127.0.0.1:{port}"}[prop]


# -- commands and processes -----------------------------------------------------------------


def base_env() -> dict[str, str]:
    """A clean environment: nothing of the caller's shell (no KIRBYGEN_*, no model key)."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "TZ")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def local_command(command: str) -> str:
    return command.replace("0.0.0.0", "127.0.0.1")


def check_pip_install(step: str) -> None:
    """A ``pip install`` step is not run: what it installs must already be here."""
    for wanted in shlex.split(step)[2:]:
        if wanted.startswith("-"):
            continue
        requirement = Requirement("kirby-gen") if wanted == "." else Requirement(wanted)
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            raise RenderLocalError(f"`{step}`: {requirement.name} is not installed here") from None
        if version not in requirement.specifier:
            raise RenderLocalError(f"`{step}`: {requirement.name} {version} is installed here")


def build(name: str, command: str, env: dict[str, str], cwd: Path) -> None:
    for step in re.split(r"\s*&&\s*", command.strip()):
        if step.startswith("pip install"):
            check_pip_install(step)
            say(f"{name}: build step `{step}` satisfied by this virtualenv")
            continue
        run_once(name, step, env, cwd, what="build")


def run_once(name: str, command: str, env: dict[str, str], cwd: Path, *, what: str) -> None:
    say(f"{name}: {what}: {command}")
    log = cwd / f"{what}.log"
    with log.open("ab") as out:
        result = subprocess.run(
            ["bash", "-c", local_command(command)],
            cwd=cwd,
            env=base_env() | env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if result.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-15:]
        raise RenderLocalError(
            f"{name}: {what} failed (exit {result.returncode}):\n  " + "\n  ".join(tail)
        )


def start(name: str, command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    say(f"{name}: start: {command}")
    log = (cwd / "service.log").open("ab")
    process = subprocess.Popen(
        ["bash", "-c", "exec " + local_command(command)],
        cwd=cwd,
        env=base_env() | env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own group: stopped with everything it starts
    )
    log.close()
    return process


def stop(process: subprocess.Popen[bytes], name: str) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)
    say(f"stopped {name}")


def wait_http(
    url: str, name: str, process: subprocess.Popen[bytes] | None, *, any_status: bool = False
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RenderLocalError(f"{name} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            if any_status:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RenderLocalError(f"{name} did not answer {url} in {START_SECONDS} s")


# -- the static site ------------------------------------------------------------------------


def static_server(root: Path, port: int, service: dict[str, Any]) -> http.server.HTTPServer:
    """Serves ``root`` as Render serves a static site: its ``headers`` on matching paths, its
    ``rewrite`` routes when no file matches."""
    headers = service.get("headers", [])
    rewrites = [r for r in service.get("routes", []) if r["type"] == "rewrite"]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self) -> Any:
            path = self.path.split("?", 1)[0]
            target = root / path.lstrip("/")
            if not (target.is_file() or (target.is_dir() and (target / "index.html").is_file())):
                for route in rewrites:
                    if fnmatch.fnmatch(path, route["source"]):
                        self.path = route["destination"]
                        break
            return super().send_head()

        def end_headers(self) -> None:
            path = self.path.split("?", 1)[0]
            for header in headers:
                if fnmatch.fnmatch(path, header["path"]):
                    self.send_header(header["name"], header["value"])
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# -- the run --------------------------------------------------------------------------------


@dataclass
class Running:
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    servers: list[http.server.HTTPServer] = field(default_factory=list)

    def stop_all(self) -> None:
        for name, process in reversed(self.processes.items()):
            stop(process, name)
        for server in self.servers:
            server.shutdown()
            server.server_close()


def run(args: argparse.Namespace) -> int:
    blueprint = yaml.safe_load(args.blueprint.read_text(encoding="utf-8"))
    services: list[dict[str, Any]] = blueprint["services"]
    run_id = f"rl-{secrets.token_hex(4)}"
    work = args.work or Path(tempfile.mkdtemp(prefix=f"render-local-{run_id}-"))
    work.mkdir(parents=True, exist_ok=True)
    local = Local(run_id, work.resolve(), args.postgres, args.redis)
    say(f"run {run_id} in {local.work}")
    for service in services:
        (local.work / service["name"]).mkdir(exist_ok=True)
        if kind(service) in ("web", "pserv", "static"):
            local.ports[service["name"]] = free_port()
    urls = {
        "api": next(
            f"http://127.0.0.1:{local.ports[s['name']]}" for s in services if kind(s) == "web"
        ),
        "static": next(
            (f"http://127.0.0.1:{local.ports[s['name']]}" for s in services if kind(s) == "static"),
            "",
        ),
    }
    names = [d["name"] for d in blueprint.get("databases", [])]
    buckets = sorted(
        {local.bucket(k) for k in local_values(local, urls) if k.endswith("S3_BUCKET")}
    )
    running = Running()
    with contextlib.ExitStack() as stack:
        stack.enter_context(postgres_databases(local, names))
        stack.enter_context(redis_keys(local))
        stack.enter_context(moto(local, buckets))
        stack.callback(running.stop_all)
        envs = {s["name"]: resolve(blueprint, s["name"], local, urls) for s in services}
        order = sorted(
            services,
            key=lambda s: (
                ["pserv", "web", "worker", "static"].index(kind(s))
                if kind(s) in ("pserv", "web", "worker", "static")
                else 9
            ),
        )
        for service in order:
            launch(service, envs[service["name"]], local, running)
        for service in order:
            ready(service, local, running)
        say(f"API at {urls['api']}")
        if urls["static"]:
            say(f"web UI at {urls['static']}")
        if not args.smoke:
            say("running; Ctrl-C stops everything")
            while all(p.poll() is None for p in running.processes.values()):
                time.sleep(0.5)
            raise RenderLocalError("a service exited; see its service.log")
        passed = smoke(urls["api"], local)
        for service in services:
            if service["type"] == "cron":
                passed = cron_once(service, envs[service["name"]], local) and passed
        return 0 if passed else 1
    return 1


def launch(service: dict[str, Any], env: dict[str, str], local: Local, running: Running) -> None:
    name, cwd = service["name"], local.work / service["name"]
    if kind(service) == "static":
        build(name, service["buildCommand"], env, cwd)
        root = cwd / service["staticPublishPath"]
        running.servers.append(static_server(root, local.ports[name], service))
        say(f"{name}: serving {root} on 127.0.0.1:{local.ports[name]}")
        return
    if kind(service) not in ("web", "pserv", "worker"):
        return
    if "buildCommand" in service:
        build(name, service["buildCommand"], env, cwd)
    if "preDeployCommand" in service:
        run_once(name, service["preDeployCommand"], env, cwd, what="pre-deploy")
    running.processes[name] = start(name, service["startCommand"], env, cwd)


def ready(service: dict[str, Any], local: Local, running: Running) -> None:
    name = service["name"]
    process = running.processes.get(name)
    if kind(service) == "web":
        wait_http(
            f"http://127.0.0.1:{local.ports[name]}{service.get('healthCheckPath', '/')}",
            name,
            process,
        )
    elif kind(service) == "pserv":
        # Render checks a private service over TCP; ours also answers /health.
        wait_http(f"http://127.0.0.1:{local.ports[name]}/health", name, process)
    elif kind(service) == "static":
        wait_http(f"http://127.0.0.1:{local.ports[name]}/config.js", name, None)
    elif process is None:
        return  # nothing runs for it: a cron job, or Key Value (the local Redis)
    elif process.poll() is not None:
        raise RenderLocalError(f"{name} exited with {process.returncode}")
    say(f"{name}: up")


def smoke(api: str, local: Local) -> bool:
    say(f"kirbygen smoke --api-url {api}")
    result = subprocess.run(
        [str(BIN / "kirbygen"), "smoke", "--api-url", api],
        cwd=local.work,
        env=base_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return result.returncode == 0


def cron_once(service: dict[str, Any], env: dict[str, str], local: Local) -> bool:
    command = service.get("dockerCommand") or service.get("startCommand", "")
    name = service["name"]
    try:
        if service.get("runtime") != "docker":
            build(name, service["buildCommand"], env, local.work / name)
        run_once(name, command, env, local.work / name, what="cron")
    except RenderLocalError as exc:
        say(f"FAIL {exc}")
        return False
    say(f"ok   {name}: `{command}` ran once")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/render-local", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--blueprint", type=Path, default=ROOT / "render.yaml")
    parser.add_argument(
        "--smoke", action="store_true", help="run kirbygen smoke and the cron job once, then stop"
    )
    parser.add_argument(
        "--work", type=Path, help="folder for builds and logs (default: a new temporary one, kept)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "RENDER_LOCAL_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin URL of the local PostgreSQL",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("RENDER_LOCAL_REDIS", "redis://127.0.0.1:6379/0"),
        help="the local Redis",
    )
    args = parser.parse_args(argv)

    def stopping(signum: int, frame: object) -> None:
        say("already stopping everything; wait")

    def terminate(signum: int, frame: object) -> None:
        # The first Ctrl-C or SIGTERM stops the run; more do not cut the clean-up short.
        signal.signal(signal.SIGINT, stopping)
        signal.signal(signal.SIGTERM, stopping)
        raise KeyboardInterrupt

    # Set explicitly: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGTERM, terminate)
    try:
        return run(args)
    except RenderLocalError as exc:
        say(f"FAIL {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted; everything started was stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
