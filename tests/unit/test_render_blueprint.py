"""render.yaml: valid under the part of Render's Blueprint spec it uses (a JSON schema kept in
tests/fixtures), and wired so that every service starts: references name what exists, each
`kirbygen …` command parses with the real CLI parser, no secret is written in the file, and
each service's environment passes the production settings of the command it runs.

`blueprint_problems` lists what is wrong; the tests below show it finds nothing in render.yaml
and something in each broken copy of it.
"""

from __future__ import annotations

import copy
import re
import secrets
import shlex
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement

from config.container import runs_in_process
from config.settings import Settings, load_settings
from domain.errors import InvalidInput
from entrypoints.cli import build_parser
from entrypoints.http.web import content_security_policy

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINT = ROOT / "render.yaml"
SCHEMA = ROOT / "tests" / "fixtures" / "render_blueprint.schema.json"
Blueprint = dict[str, Any]

# What `fromService … property` each referenced type offers (Blueprint spec, "Referencing
# values from other services").
PROPERTIES = {
    "web": {"host", "port", "hostport"},
    "pserv": {"host", "port", "hostport"},
    "keyvalue": {"host", "port", "connectionString"},
}
SECRET_NAME = re.compile(r"SECRET|TOKEN|KEY|PASSWORD|DSN", re.IGNORECASE)
# Names that hold no secret although they match SECRET_NAME.
NOT_SECRET = {"REDIS_KEY_PREFIX"}
ONRENDER = ["https://*.onrender.com", "wss://*.onrender.com"]
MIN_POSTGRES = 15


def load_blueprint() -> Blueprint:
    data = yaml.safe_load(BLUEPRINT.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _schema_problems(blueprint: Blueprint) -> list[str]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(blueprint):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        # A service matches none of its kinds: say which key the closest kind refused.
        detail = min(error.context or [error], key=lambda e: len(list(e.path))).message
        problems.append(f"schema: {where}: {detail if error.context else error.message}")
    return problems


# -- the blueprint as a model ---------------------------------------------------------------


def _services(blueprint: Blueprint) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in blueprint.get("services", [])}


def _databases(blueprint: Blueprint) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in blueprint.get("databases", [])}


def _groups(blueprint: Blueprint) -> dict[str, list[dict[str, Any]]]:
    return {g["name"]: g.get("envVars", []) for g in blueprint.get("envVarGroups", [])}


def _entries(blueprint: Blueprint, service: dict[str, Any]) -> list[dict[str, Any]]:
    """A service's variables, those of the groups it links included."""
    entries: list[dict[str, Any]] = []
    groups = _groups(blueprint)
    for entry in service.get("envVars", []):
        if "fromGroup" in entry:
            entries.extend(groups.get(entry["fromGroup"], []))
        else:
            entries.append(entry)
    return entries


def _commands(service: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for field in ("buildCommand", "preDeployCommand", "startCommand", "dockerCommand"):
        if field in service:
            for part in re.split(r"&&|\|\||;", service[field]):
                if part.strip():
                    yield field, part.strip()


def _kirbygen(service: dict[str, Any], field: str) -> list[str] | None:
    for each_field, part in _commands(service):
        words = shlex.split(part.replace("$PORT", "10000"))
        if each_field == field and words and words[0] == "kirbygen":
            return words[1:]
    return None


# -- the checks -----------------------------------------------------------------------------


def _reference_problems(blueprint: Blueprint) -> Iterator[str]:
    services, databases, groups = _services(blueprint), _databases(blueprint), _groups(blueprint)
    for name, service in services.items():
        for entry in service.get("envVars", []):
            if "fromGroup" in entry and entry["fromGroup"] not in groups:
                yield f"{name}: fromGroup {entry['fromGroup']!r} is not declared"
            if "fromDatabase" in entry and entry["fromDatabase"]["name"] not in databases:
                yield f"{name}: {entry['key']} fromDatabase names no declared database"
            source = entry.get("fromService")
            if source is None:
                continue
            target = services.get(source["name"])
            if target is None:
                yield f"{name}: {entry['key']} fromService names no declared service"
                continue
            if target["type"] != source["type"] or target.get("runtime") == "static":
                yield f"{name}: {entry['key']} fromService says type {source['type']!r}"
            if "property" in source and source["property"] not in PROPERTIES.get(
                target["type"], set()
            ):
                yield (
                    f"{name}: {entry['key']}: a {target['type']} has no property "
                    f"{source['property']!r}"
                )
            if "envVarKey" in source:
                declared = {e.get("key") for e in _entries(blueprint, target)}
                if source["envVarKey"] not in declared:
                    yield (
                        f"{name}: {entry['key']}: {source['name']} declares no "
                        f"{source['envVarKey']}"
                    )


def _secret_problems(blueprint: Blueprint) -> Iterator[str]:
    places = [(n, s.get("envVars", [])) for n, s in _services(blueprint).items()]
    places += [(f"group {n}", e) for n, e in _groups(blueprint).items()]
    generated: dict[str, list[str]] = {}
    for where, entries in places:
        for entry in entries:
            key = entry.get("key", "")
            if SECRET_NAME.search(key) and key not in NOT_SECRET and "value" in entry:
                yield f"{where}: {key} is a secret written in the file; use sync: false"
            if entry.get("generateValue"):
                generated.setdefault(key, []).append(where)
    for key, wheres in generated.items():
        if len(wheres) > 1:
            yield f"{key} is generated {len(wheres)} times ({', '.join(wheres)}): share one"


def _command_problems(blueprint: Blueprint, dependencies: list[str]) -> Iterator[str]:
    names = {Requirement(d).name.lower(): str(Requirement(d)) for d in dependencies}
    for name, service in _services(blueprint).items():
        for field, part in _commands(service):
            words = shlex.split(part.replace("$PORT", "10000"))
            if words[0] == "kirbygen":
                try:
                    build_parser().parse_args(words[1:])
                except Exception as exc:
                    yield f"{name}: {field} `{part}` is no kirbygen command: {exc}"
            elif words[:2] == ["pip", "install"]:
                for wanted in words[2:]:
                    if wanted != "." and names.get(Requirement(wanted).name.lower()) != wanted:
                        yield f"{name}: {field} installs {wanted}, not pyproject's requirement"
            elif words[:2] == ["python", "-m"]:
                if not (ROOT / (words[2].replace(".", "/") + ".py")).is_file():
                    yield f"{name}: {field} runs a module that does not exist: {words[2]}"
            elif words[0] != ":":  # the shell's no-op, used to require a variable
                yield f"{name}: {field} runs {words[0]!r}, which is not part of the project"


def _shape_problems(blueprint: Blueprint) -> Iterator[str]:
    for name, service in _services(blueprint).items():
        kind = "static" if service.get("runtime") == "static" else service["type"]
        if "healthCheckPath" in service and kind != "web":
            yield f"{name}: healthCheckPath is for web services only"
        if kind == "keyvalue" and service.get("maxmemoryPolicy") != "noeviction":
            yield f"{name}: the queue lives here, so maxmemoryPolicy must be noeviction"
        if kind == "static":
            yield from _static_problems(name, service)
        if service.get("runtime") == "docker":
            yield from _docker_problems(blueprint, name, service)
    for name, database in _databases(blueprint).items():
        if int(database.get("postgresMajorVersion", "0")) < MIN_POSTGRES:
            yield f"{name}: postgresMajorVersion must be {MIN_POSTGRES} or later"


def _static_problems(name: str, service: dict[str, Any]) -> Iterator[str]:
    keys = {e.get("key") for e in service.get("envVars", [])}
    if "API_URL" not in keys:
        yield f"{name}: API_URL (the API's public address) is not declared"
    if "${API_URL:?" not in service["buildCommand"]:
        yield f"{name}: the build does not stop when API_URL is empty"
    policy = {h["name"]: h["value"] for h in service.get("headers", []) if h["path"] == "/*"}
    if policy.get("Content-Security-Policy") != content_security_policy(ONRENDER):
        yield f"{name}: Content-Security-Policy is not the app's own policy"
    if not any(
        r["type"] == "rewrite" and r["destination"] == "/index.html"
        for r in service.get("routes", [])
    ):
        yield f"{name}: no rewrite to /index.html for the single-page app"


def _docker_problems(blueprint: Blueprint, name: str, service: dict[str, Any]) -> Iterator[str]:
    dockerfile = ROOT / service.get("dockerfilePath", "./Dockerfile")
    if not dockerfile.is_file():
        yield f"{name}: {dockerfile.name} does not exist"
        return
    text = dockerfile.read_text(encoding="utf-8")
    major = re.search(r"^ARG PG_MAJOR=(\d+)$", text, re.MULTILINE)
    versions = {d.get("postgresMajorVersion") for d in _databases(blueprint).values()}
    if major is None or versions != {major.group(1)}:
        yield f"{name}: {dockerfile.name}'s PG_MAJOR is not the database's major version"
    python = re.search(r"^FROM python:(\d+\.\d+)", text, re.MULTILINE)
    # The Python of the native services (all link the group that pins PYTHON_VERSION).
    pinned = {
        str(e["value"])
        for entries in _groups(blueprint).values()
        for e in entries
        if e.get("key") == "PYTHON_VERSION"
    }
    wanted = {v.rsplit(".", 1)[0] for v in pinned}
    if python is None or wanted != {python.group(1)}:
        yield f"{name}: {dockerfile.name}'s Python is not the services' PYTHON_VERSION"


# -- each service's environment through the settings of the command it runs -----------------

DATABASE_URLS = (
    "postgresql://kirbygen:pw@dpg-d0kirbygen-a:5432/kirbygen",
    "postgres://kirbygen:pw@dpg-d0kirbygen-a:5432/kirbygen",
)
# What an operator types when the Blueprint asks for a `sync: false` value.
PROMPTED = {
    "CORS_ORIGINS": "https://kirbygen-web.onrender.com",
    "S3_REGION": "eu-central-1",
    "S3_ENDPOINT": "",
    "BACKUP_S3_REGION": "eu-central-1",
    "BACKUP_S3_ENDPOINT": "",
    "API_URL": "https://kirbygen-api.onrender.com",
}


def resolve_env(
    blueprint: Blueprint, service: dict[str, Any], database_url: str = DATABASE_URLS[0]
) -> dict[str, str]:
    """The variables Render would give the service once the Blueprint is created."""
    services = _services(blueprint)
    env: dict[str, str] = {}
    generated: dict[str, str] = {}
    for entry in _entries(blueprint, service):
        key = entry["key"]
        if "value" in entry:
            env[key] = str(entry["value"])
        elif entry.get("generateValue"):
            env[key] = generated.setdefault(key, secrets.token_urlsafe(32))
        elif entry.get("sync") is False:
            env[key] = PROMPTED.get(key, f"typed-{key.lower()}")
        elif "fromDatabase" in entry:
            env[key] = database_url
        elif "fromService" in entry:
            source = entry["fromService"]
            target = services[source["name"]]
            if "envVarKey" in source:
                env[key] = resolve_env(blueprint, target, database_url)[source["envVarKey"]]
            elif target["type"] == "keyvalue":
                env[key] = {"connectionString": f"redis://{target['name']}:6379"}.get(
                    source["property"], target["name"]
                )
            else:
                port = resolve_env(blueprint, target, database_url).get("PORT", "10000")
                env[key] = {"host": target["name"], "port": port}.get(
                    source["property"], f"{target['name']}:{port}"
                )
    return env


def _settings_for(command: list[str], env: dict[str, str]) -> Settings:
    if command[0] == "skills-api":
        return load_settings(env, skills_service=True)
    settings = load_settings(env)
    if command[0] == "backup":
        from config.backup_settings import require_backup

        require_backup(settings.backup, settings.database_url)
    return settings


def _settings_problems(blueprint: Blueprint) -> Iterator[str]:
    for name, service in _services(blueprint).items():
        field = "dockerCommand" if service.get("runtime") == "docker" else "startCommand"
        command = _kirbygen(service, field)
        if not command:
            continue
        for database_url in DATABASE_URLS:
            env = resolve_env(blueprint, service, database_url)
            try:
                settings = _settings_for(command, env)
            except InvalidInput as exc:
                yield f"{name} (kirbygen {command[0]}): {exc.message}"
                break
            if command[0] in ("serve", "worker") and runs_in_process(settings):
                yield f"{name}: runs would be worked on in-process, not by the worker"
        pre = _kirbygen(service, "preDeployCommand")
        if pre:
            try:
                _settings_for(pre, resolve_env(blueprint, service))
            except InvalidInput as exc:
                yield f"{name} (kirbygen {' '.join(pre)}): {exc.message}"


def blueprint_problems(blueprint: Blueprint) -> list[str]:
    problems = _schema_problems(blueprint)
    if problems:
        return problems  # the checks below assume the shape the schema ensures
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    problems.extend(_reference_problems(blueprint))
    problems.extend(_secret_problems(blueprint))
    problems.extend(_shape_problems(blueprint))
    problems.extend(_command_problems(blueprint, dependencies))
    if not problems:  # the environments can be worked out only once every reference holds
        problems.extend(_settings_problems(blueprint))
    return problems


# -- the tests ------------------------------------------------------------------------------


def test_render_yaml_has_no_problem() -> None:
    assert blueprint_problems(load_blueprint()) == []


def test_the_services_kirby_gen_is_made_of() -> None:
    services = _services(load_blueprint())
    kinds = sorted(
        "static" if s.get("runtime") == "static" else s["type"] for s in services.values()
    )
    assert kinds == sorted(["static", "web", "pserv", "worker", "cron", "keyvalue"])
    api = next(s for s in services.values() if s["type"] == "web" and s["runtime"] == "python")
    assert api["healthCheckPath"] == "/api/health"
    assert _kirbygen(api, "startCommand") == ["serve", "--host", "0.0.0.0", "--port", "10000"]
    assert _kirbygen(api, "preDeployCommand") == ["db", "upgrade"]
    assert api["scaling"]["minInstances"] == 1 and api["scaling"]["maxInstances"] == 3
    by_type = {s["type"]: s for s in services.values() if s.get("runtime") != "static"}
    assert _kirbygen(by_type["pserv"], "startCommand")[0] == "skills-api"  # type: ignore[index]
    assert _kirbygen(by_type["worker"], "startCommand") == ["worker"]
    assert _kirbygen(by_type["cron"], "dockerCommand") == ["backup"]


def test_no_local_secret_or_data_goes_into_the_backup_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    # .env and the data folder (var/, with secrets.json) hold local secrets.
    assert {".env", "var", ".venv", ".git"} <= ignored
    assert "COPY . ." in (ROOT / "Dockerfile.backup").read_text(encoding="utf-8")


def test_the_health_check_path_is_a_route_of_the_api() -> None:
    from entrypoints.http.routes.system import routes

    assert "/api/health" in {route.path for route in routes}


def test_skills_are_reached_over_the_private_network_with_http_added() -> None:
    blueprint = load_blueprint()
    services = _services(blueprint)
    for name in ("kirbygen-api", "kirbygen-worker"):
        env = resolve_env(blueprint, services[name])
        assert env["SKILLS_BASE_URL"] == "kirbygen-skills:10000"  # Render's hostport
        settings = load_settings(env)
        assert settings.backends.skills.base_url == "http://kirbygen-skills:10000"


def test_shared_secrets_are_the_same_everywhere() -> None:
    blueprint = load_blueprint()
    services = _services(blueprint)
    api = resolve_env(blueprint, services["kirbygen-api"])
    worker = resolve_env(blueprint, services["kirbygen-worker"])
    skills = resolve_env(blueprint, services["kirbygen-skills"])
    # One generated value per group: the same name resolves to the same value in each service.
    for key in ("JWT_SECRET", "SESSION_SECRET", "SKILLS_API_TOKEN"):
        assert key in api and key in worker
    assert "SKILLS_API_TOKEN" in skills
    for key in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        assert worker[key] == api[key]


# -- broken copies --------------------------------------------------------------------------

Mutation = Callable[[Blueprint], None]


def _service(blueprint: Blueprint, name: str) -> dict[str, Any]:
    return _services(blueprint)[name]


def _var(blueprint: Blueprint, service: str, key: str) -> dict[str, Any]:
    return next(e for e in _service(blueprint, service)["envVars"] if e.get("key") == key)


def _drop_var(blueprint: Blueprint, service: str, key: str) -> None:
    entries = _service(blueprint, service)["envVars"]
    entries[:] = [e for e in entries if e.get("key") != key]


def _legacy_env(b: Blueprint) -> None:
    api = _service(b, "kirbygen-api")
    api["env"] = api.pop("runtime")


def _redis_as_database(b: Blueprint) -> None:
    b["databases"].append({"name": "kirbygen-redis", "plan": "starter", "type": "redis"})


def _unknown_key(b: Blueprint) -> None:
    _service(b, "kirbygen-worker")["healthcheck"] = "/health"


def _old_plan(b: Blueprint) -> None:
    b["databases"][0]["plan"] = "starter"


def _typo_type(b: Blueprint) -> None:
    _service(b, "kirbygen-worker")["type"] = "background"


def _health_on_worker(b: Blueprint) -> None:
    # Valid keys, the wrong kind of service: the schema refuses it as well.
    _service(b, "kirbygen-skills")["healthCheckPath"] = "/health"


def _wrong_database(b: Blueprint) -> None:
    _var(b, "kirbygen-api", "DATABASE_URL")["fromDatabase"]["name"] = "kirbygen-pg"


def _wrong_service(b: Blueprint) -> None:
    _var(b, "kirbygen-worker", "REDIS_URL")["fromService"]["name"] = "kirbygen-redis"


def _wrong_type(b: Blueprint) -> None:
    _var(b, "kirbygen-api", "SKILLS_BASE_URL")["fromService"]["type"] = "web"


def _wrong_property(b: Blueprint) -> None:
    _var(b, "kirbygen-api", "SKILLS_BASE_URL")["fromService"]["property"] = "connectionString"


def _keyvalue_hostport(b: Blueprint) -> None:
    _var(b, "kirbygen-worker", "REDIS_URL")["fromService"]["property"] = "hostport"


def _missing_env_var_key(b: Blueprint) -> None:
    _var(b, "kirbygen-worker", "S3_BUCKET")["fromService"]["envVarKey"] = "S3_BUCKET_NAME"


def _literal_secret(b: Blueprint) -> None:
    entry = _var(b, "kirbygen-api", "S3_SECRET_ACCESS_KEY")
    entry.pop("sync")
    entry["value"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _literal_group_secret(b: Blueprint) -> None:
    group = b["envVarGroups"][0]["envVars"]
    entry = next(e for e in group if e["key"] == "JWT_SECRET")
    entry.pop("generateValue")
    entry["value"] = "not-so-secret"


def _token_generated_twice(b: Blueprint) -> None:
    entries = _service(b, "kirbygen-skills")["envVars"]
    entries.append({"key": "SKILLS_API_TOKEN", "generateValue": True})


def _unknown_command(b: Blueprint) -> None:
    _service(b, "kirbygen-skills")["startCommand"] = "kirbygen skills --port $PORT"


def _bad_pre_deploy(b: Blueprint) -> None:
    _service(b, "kirbygen-api")["preDeployCommand"] = "kirbygen db migrate"


def _unlisted_package(b: Blueprint) -> None:
    web = _service(b, "kirbygen-web")
    web["buildCommand"] = web["buildCommand"].replace('"starlette>=1.0"', "flask")


def _worker_without_redis(b: Blueprint) -> None:
    _drop_var(b, "kirbygen-worker", "REDIS_URL")


def _api_without_bucket(b: Blueprint) -> None:
    _drop_var(b, "kirbygen-api", "S3_BUCKET")
    _drop_var(b, "kirbygen-worker", "S3_BUCKET")


def _worker_without_group(b: Blueprint) -> None:
    entries = _service(b, "kirbygen-worker")["envVars"]
    entries[:] = [e for e in entries if "fromGroup" not in e]


def _no_session_secret(b: Blueprint) -> None:
    group = b["envVarGroups"][0]["envVars"]
    group[:] = [e for e in group if e["key"] != "SESSION_SECRET"]


def _in_process_queue(b: Blueprint) -> None:
    _service(b, "kirbygen-api")["envVars"].append({"key": "QUEUE_URL", "value": "inprocess"})


def _evicting_queue(b: Blueprint) -> None:
    _service(b, "kirbygen-kv")["maxmemoryPolicy"] = "allkeys-lru"


def _old_postgres(b: Blueprint) -> None:
    b["databases"][0]["postgresMajorVersion"] = "14"


def _pg_dump_of_another_major(b: Blueprint) -> None:
    b["databases"][0]["postgresMajorVersion"] = "18"


def _static_without_api_url(b: Blueprint) -> None:
    _drop_var(b, "kirbygen-web", "API_URL")


def _loose_policy(b: Blueprint) -> None:
    header = next(
        h for h in _service(b, "kirbygen-web")["headers"] if h["name"] == "Content-Security-Policy"
    )
    header["value"] = header["value"].replace("script-src 'self'", "script-src *")


def _group_with_prompt(b: Blueprint) -> None:
    b["envVarGroups"][0]["envVars"].append({"key": "ANTHROPIC_API_KEY", "sync": False})


MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "legacy env key": (_legacy_env, "schema: services/"),
    "redis under databases": (_redis_as_database, "schema: databases/"),
    "unknown key": (_unknown_key, "schema: services/"),
    "legacy database plan": (_old_plan, "schema: databases/0"),
    "unknown service type": (_typo_type, "schema: services/"),
    "health check on a private service": (_health_on_worker, "schema: services/"),
    "group prompting for a value": (_group_with_prompt, "schema: envVarGroups/0"),
    "undeclared database": (_wrong_database, "fromDatabase names no declared database"),
    "undeclared service": (_wrong_service, "fromService names no declared service"),
    "wrong referenced type": (_wrong_type, "fromService says type 'web'"),
    "property the type lacks": (_wrong_property, "a pserv has no property 'connectionString'"),
    "hostport of key value": (_keyvalue_hostport, "a keyvalue has no property 'hostport'"),
    "copied key not declared": (_missing_env_var_key, "kirbygen-api declares no S3_BUCKET_NAME"),
    "literal secret": (_literal_secret, "S3_SECRET_ACCESS_KEY is a secret written in the file"),
    "literal group secret": (_literal_group_secret, "JWT_SECRET is a secret written"),
    "token generated twice": (_token_generated_twice, "SKILLS_API_TOKEN is generated 2 times"),
    "unknown kirbygen command": (_unknown_command, "startCommand `kirbygen skills"),
    "unknown pre-deploy command": (_bad_pre_deploy, "preDeployCommand `kirbygen db migrate`"),
    "package not in pyproject": (_unlisted_package, "installs flask, not pyproject's"),
    "worker without Redis": (_worker_without_redis, "kirbygen-worker (kirbygen worker): "),
    "no bucket": (_api_without_bucket, "STORAGE_TYPE=s3 needs S3_BUCKET"),
    "worker without the shared group": (_worker_without_group, "kirbygen-worker (kirbygen"),
    "no session secret": (_no_session_secret, "missing required secrets: SESSION_SECRET"),
    "runs in-process": (_in_process_queue, "kirbygen-api: runs would be worked on in-process"),
    "evicting key value": (_evicting_queue, "maxmemoryPolicy must be noeviction"),
    "old PostgreSQL": (_old_postgres, "postgresMajorVersion must be 15 or later"),
    "pg_dump of another major": (_pg_dump_of_another_major, "PG_MAJOR is not the database's"),
    "static UI without API_URL": (_static_without_api_url, "API_URL (the API's public"),
    "looser content policy": (_loose_policy, "Content-Security-Policy is not the app's"),
}


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_a_broken_copy_is_caught(mutation: tuple[Mutation, str]) -> None:
    change, expected = mutation
    broken = copy.deepcopy(load_blueprint())
    change(broken)

    problems = blueprint_problems(broken)

    assert any(expected in problem for problem in problems), problems
