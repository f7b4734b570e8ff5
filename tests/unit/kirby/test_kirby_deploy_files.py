"""A generated site can deploy itself: its Dockerfile, start script, .dockerignore and
render.yaml (a current-spec Blueprint with a disk holding what Kirby writes); docker is not
needed to check them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from adapters.cms.kirby import KirbyAdapter
from adapters.cms.kirby.deploy_files import DATA_DIR, PHP_EXTENSIONS, WRITABLE_DIRS
from adapters.deploy.local import KIRBY_PHP_EXTENSIONS
from domain.site import SiteSpec

# Blueprint service fields of the legacy spec that the current one replaced.
LEGACY_KEYS = {"env", "dockerfile", "autoDeployment"}


@pytest.fixture
def files(site_spec: SiteSpec) -> dict[str, str]:
    built = KirbyAdapter().build(site_spec)
    return {f.path: f.data.decode() for f in built if not f.path.startswith("content/")}


def test_render_yaml_is_a_web_service_with_a_disk_for_what_kirby_writes(
    files: dict[str, str],
) -> None:
    blueprint = yaml.safe_load(files["render.yaml"])
    assert set(blueprint) == {"services"}
    [service] = blueprint["services"]
    assert service["type"] == "web" and service["runtime"] == "docker"
    assert not LEGACY_KEYS & set(service)
    assert re.fullmatch(r"[a-z0-9-]+", service["name"])
    assert service["plan"] in ("starter", "standard", "pro", "pro plus", "pro max", "pro ultra")
    assert service["dockerfilePath"] == "./Dockerfile" and "Dockerfile" in files
    assert service["dockerContext"] == "."
    assert service["healthCheckPath"] == "/"
    disk = service["disk"]
    assert disk["mountPath"] == DATA_DIR and isinstance(disk["sizeGB"], int) and disk["name"]
    assert {"key": "KIRBY_DATA", "value": DATA_DIR} in service["envVars"]


def test_the_start_script_keeps_content_media_accounts_and_sessions_on_the_disk(
    files: dict[str, str], tmp_path: Path
) -> None:
    script = files["docker/start.sh"]
    assert script.startswith("#!/bin/sh")
    assert set(WRITABLE_DIRS) == {"content", "media", "site/accounts", "site/sessions"}
    for folder in WRITABLE_DIRS:
        assert folder in script
    assert f"KIRBY_DATA:-{DATA_DIR}" in script
    assert script.rstrip().endswith("exec apache2-foreground")
    path = tmp_path / "start.sh"
    path.write_text(script)
    assert subprocess.run(["sh", "-n", str(path)], check=False).returncode == 0

    # Run the disk part against folders on this machine: the first start seeds the disk,
    # a later one (a new deploy) keeps what was edited there.
    site, disk = tmp_path / "site", tmp_path / "disk"
    (site / "content" / "home").mkdir(parents=True)
    (site / "content" / "home" / "home.txt").write_text("Title: Generated\n")
    (site / "site").mkdir()
    runnable = script.replace("cd /var/www/html", f"cd {site}")
    runnable = runnable.replace('chown -R www-data:www-data "$data"', ":")
    runnable = runnable.replace("exec apache2-foreground", "exit 0")
    path.write_text(runnable)
    env = {"KIRBY_DATA": str(disk), "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", str(path)], check=True, env=env)
    assert (site / "content").is_symlink()
    assert (disk / "content" / "home" / "home.txt").read_text() == "Title: Generated\n"
    assert all((disk / d).is_dir() for d in WRITABLE_DIRS)
    (disk / "content" / "home" / "home.txt").write_text("Title: Edited in the Panel\n")
    shutil.rmtree(site)
    (site / "content" / "home").mkdir(parents=True)
    (site / "content" / "home" / "home.txt").write_text("Title: Generated again\n")
    (site / "site").mkdir()
    subprocess.run(["sh", str(path)], check=True, env=env)
    assert (site / "content" / "home" / "home.txt").read_text() == "Title: Edited in the Panel\n"


def test_the_dockerfile_installs_php_with_kirbys_extensions_and_kirby_by_composer(
    files: dict[str, str],
) -> None:
    docker = files["Dockerfile"]
    base = re.search(r"^FROM php:(\d+)\.(\d+)-apache$", docker, re.M)
    assert base is not None and (int(base[1]), int(base[2])) >= (8, 2)
    assert re.search(r"docker-php-ext-install .*\bgd\b.*\bintl\b", docker)
    checked = re.search(r"array_filter\(\[(.*?)\]", docker, re.S)
    assert checked is not None
    listed = set(re.findall(r'"(\w+)"', checked[1]))
    assert set(KIRBY_PHP_EXTENSIONS) <= listed and {"gd", "intl"} <= listed
    assert listed == set(PHP_EXTENSIONS)
    assert "composer install --no-dev" in docker and "COPY --from=composer" in docker
    assert "a2enmod rewrite" in docker and "AllowOverride All" in docker
    assert "${PORT}" in docker and 'CMD ["docker/start.sh"]' in docker
    composer = json.loads(files["composer.json"])
    assert composer["require"]["getkirby/cms"].startswith("^5")
    ignored = files[".dockerignore"].split()
    assert {"kirby/", "vendor/", "media/", ".git/"} <= set(ignored)


def test_the_readme_explains_the_licence_and_the_disk(files: dict[str, str]) -> None:
    readme = files["README.md"]
    assert "getkirby.com/buy" in readme and "licence" in readme.lower()
    assert "render.yaml" in readme and DATA_DIR in readme
