"""A command imports only what it uses: `kirbygen --help` nothing beyond the standard
library, and an offline `generate` no web server, database, cloud or model client.

Each command runs in a fresh interpreter, as the console script runs it, and reports the
modules it imported at exit. A module-level import of a heavy library in `entrypoints/cli.py`,
a command's `add_parsers` module or on the path of `config/container.py` fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "material"

# Runs `kirbygen ARGS…` like the console script, then prints the imported modules as JSON.
RUN_AND_LIST_MODULES = """
import json, sys
from entrypoints.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

NOT_FOR_GENERATE = (
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "boto3",
    "redis",
    "saq",
    "anthropic",
)


def _modules_of(args: list[str], cwd: Path) -> set[str]:
    env = {**os.environ, "KIRBYGEN_DATA_DIR": str(cwd / "data")}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return set(report["modules"])


def _bare_interpreter_modules(cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(done.stdout))


def _top(module: str) -> str:
    return module.partition(".")[0]


def test_help_imports_only_the_standard_library(tmp_path: Path) -> None:
    added = _modules_of(["--help"], tmp_path) - _bare_interpreter_modules(tmp_path)
    outside = sorted(
        m for m in added if _top(m) not in sys.stdlib_module_names and _top(m) != "entrypoints"
    )
    assert outside == [], f"`kirbygen --help` imports {outside}"
    ours = sorted(m for m in added if _top(m) == "entrypoints")
    assert "entrypoints.cli" in ours
    assert not any(m.startswith("entrypoints.http") for m in ours), ours


def test_offline_generate_imports_no_server_database_cloud_or_model_client(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    args = ["generate", str(EXAMPLE), "--out", str(site), "--skills", "offline", "--json"]
    modules = _modules_of(args, tmp_path)
    assert (site / "content").is_dir()  # the example really was generated
    loaded = sorted({_top(m) for m in modules} & set(NOT_FOR_GENERATE))
    assert loaded == [], f"`kirbygen generate` imports {loaded}"


def test_text_only_material_never_loads_numpy(tmp_path: Path) -> None:
    """NumPy serves the image palettes only; material without images skips its start-up."""
    material = tmp_path / "material"
    material.mkdir()
    (material / "about.md").write_text("# Ada Ng\n\nCeramics from Leith.\n", encoding="utf-8")
    site = tmp_path / "site"
    args = ["generate", str(material), "--out", str(site), "--skills", "offline"]
    modules = _modules_of(args, tmp_path)
    assert (site / "content").is_dir()
    assert "numpy" not in {_top(m) for m in modules}


def test_help_of_generate_imports_no_container(tmp_path: Path) -> None:
    modules = _modules_of(["generate", "--help"], tmp_path)
    assert "config.container" not in modules
    assert "dependency_injector" not in modules


def test_every_lazy_provider_names_something_importable() -> None:
    import importlib

    from config.container import LAZY_TARGETS

    assert len(LAZY_TARGETS) > 40
    for target in LAZY_TARGETS:
        module_name, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module_name), name)), target
