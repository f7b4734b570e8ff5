"""``kirbygen preview DIR``: a generated site served by real Kirby with PHP's built-in server.

The site is served in place (edits made in the Panel land in its ``content/``), with Kirby's
core taken from ``--kirby PATH``, else ``KIRBYGEN_KIRBY_CORE``, else the site's own
``kirby/`` folder (installed with ``composer install``). A core outside the site is never
copied into it: a router script boots Kirby with the site as its index root.
"""

from __future__ import annotations

import os
import shutil
from importlib.resources import as_file, files
from pathlib import Path

import attrs

CORE_SETTING = "KIRBYGEN_KIRBY_CORE"


class PreviewError(Exception):
    """Why the site cannot be previewed, in words a person can act on."""


@attrs.frozen
class PreviewPlan:
    site: Path
    core: Path
    php: str


def find_core(site: Path, given: Path | None) -> Path:
    """The Kirby core to serve ``site`` with; PreviewError when there is none."""
    candidates = [
        (given, "--kirby"),
        (Path(os.environ[CORE_SETTING]) if os.environ.get(CORE_SETTING) else None, CORE_SETTING),
        (site / "kirby", "the site's kirby/ folder"),
    ]
    for path, origin in candidates:
        if path is None:
            continue
        if (path / "bootstrap.php").is_file():
            return path.resolve()
        if origin != "the site's kirby/ folder":
            raise PreviewError(f"{path} (from {origin}) is not a Kirby core: no bootstrap.php")
    raise PreviewError(
        f"no Kirby core for {site}: run `composer install` in it, download a Kirby 5 release "
        "into its kirby/ folder, or pass --kirby PATH"
    )


def plan_preview(site: Path, core: Path | None, php: str = "php") -> PreviewPlan:
    if not (site / "index.php").is_file() or not (site / "content").is_dir():
        raise PreviewError(f"{site} is not a Kirby site folder (no index.php and content/)")
    executable = shutil.which(php)
    if executable is None:
        raise PreviewError(
            f"'{php}' was not found; install PHP 8.2+ with the extensions Kirby needs "
            "(Debian: apt-get install php-cli php-mbstring php-xml php-curl php-gd php-intl)"
        )
    return PreviewPlan(site=site.resolve(), core=find_core(site, core), php=executable)


def serve_preview(plan: PreviewPlan, host: str, port: int) -> int:
    """Run ``php -S`` until it stops (Ctrl-C); its exit code."""
    import subprocess

    environment = {
        **os.environ,
        "KIRBYGEN_PREVIEW_SITE": str(plan.site),
        "KIRBYGEN_PREVIEW_CORE": str(plan.core),
    }
    (plan.site / "media").mkdir(exist_ok=True)  # Kirby publishes files and thumbnails here
    router = files("adapters.cms.kirby.resources") / "preview_router.php"
    with as_file(router) as router_path:
        command = [plan.php, "-S", f"{host}:{port}", "-t", str(plan.site), str(router_path)]
        try:
            return subprocess.run(command, env=environment, check=False).returncode
        except KeyboardInterrupt:
            return 0
