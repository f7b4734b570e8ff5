"""The cost of running the skills on the skills service instead of in-process, in one run.

Usage:  .venv/bin/python bench/skills_transfer.py [--image-mib N] [--rounds R]

1. Encoding: a design call carrying one image of N MiB, through JSON with the project's
   converter as it is (bytes as base85) and with the wire converter (bytes as base64):
   encode + decode time, body size and peak traced memory, each as a ratio of base64's.
2. Skills: ingest, mapping, structuring and design of ``examples/material``, R rounds,
   in-process and over HTTP to a `kirbygen skills-api` on loopback: time of each, and
   HTTP as a ratio of in-process.
Absolute figures depend on the machine; compare the ratios between versions.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as a script, this folder would come first on sys.path, and bench/http.py would shadow
# the standard library's ``http`` package: put the repository root there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import httpx2  # noqa: E402

from adapters.skills_http.client import SkillsClient  # noqa: E402
from adapters.skills_http.registry import HttpSkillRegistry  # noqa: E402
from adapters.skills_http.wire import WIRE, DesignRequest  # noqa: E402
from application.ingest import ingest  # noqa: E402
from config.backends import SkillsServiceSettings  # noqa: E402
from domain.design import BrandInputs, ImageSample  # noqa: E402
from domain.documents import IngestLimits, SourceFile  # noqa: E402
from domain.ports import SkillRegistry  # noqa: E402
from domain.serialization import converter  # noqa: E402
from plugins.manager import PluginSkillRegistry, build_plugin_manager  # noqa: E402

EXAMPLE = ROOT / "examples" / "material"
MIB = 1024 * 1024
COMMAND = (sys.executable, "-m", "entrypoints.cli", "skills-api")


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _peak(work: Callable[[], Any]) -> int:
    # Traced separately: tracing every allocation slows base85's pure-Python loop tenfold.
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def encoding(image_mib: int) -> None:
    size = image_mib * 1024 * 1024
    request = DesignRequest(BrandInputs(), (ImageSample("photo.jpg", "photo", os.urandom(size)),))
    small = DesignRequest(BrandInputs(), (ImageSample("photo.jpg", "photo", os.urandom(MIB)),))
    figures: dict[str, tuple[float, int, int]] = {}
    for label, conv in (("base64 (wire)", WIRE), ("base85 (converter)", converter)):

        def round_trip(conv: Any = conv, request: DesignRequest = request) -> int:
            body = json.dumps(conv.unstructure(request)).encode()
            assert conv.structure(json.loads(body), DesignRequest) == request
            return len(body)

        def small_trip(conv: Any = conv) -> int:
            return round_trip(conv, small)

        figures[label] = (_timed(round_trip), _peak(small_trip), round_trip())
    base_s, base_peak, _ = figures["base64 (wire)"]
    print(f"1. a design call with one {image_mib} MiB image, encoded and decoded")
    for label, (seconds, peak, body) in figures.items():
        print(
            f"   {label:<20} {seconds * 1000:8.1f} ms ({seconds / base_s:5.2f}x)"
            f"  body {body / size:4.2f}x the image"
            f"  peak per MiB of image {peak / MIB:6.1f} MiB ({peak / base_peak:4.2f}x)"
        )


def _material() -> list[SourceFile]:
    return [
        SourceFile(str(p.relative_to(EXAMPLE)), p.read_bytes())
        for p in sorted(EXAMPLE.rglob("*"))
        if p.is_file()
    ]


def _generation(registry: SkillRegistry) -> None:
    result = ingest(_material(), registry.parsers(), limits=IngestLimits())
    schema = registry.mapper().map(result.documents, None, "")
    registry.structurer().structure(result.documents, schema)
    images = [ImageSample(n, "photo", (EXAMPLE / n).read_bytes()) for n in result.images]
    registry.designer().design(BrandInputs(), images)


def skills(rounds: int) -> None:
    token = secrets.token_urlsafe(24)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIRBYGEN_", "SKILLS_"))}
    env |= {"SKILLS_API_TOKEN": token, "KIRBYGEN_SKILLS": "offline", "LOG_LEVEL": "WARNING"}
    env |= {"KIRBYGEN_DISABLE_PLUGINS": "1"}
    service = subprocess.Popen(
        [*COMMAND, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    client = SkillsClient(SkillsServiceSettings(base_url=url, token=token))
    try:
        _wait(url)
        local = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
        remote = HttpSkillRegistry(client)
        _generation(local)  # warm both (imports, caches)
        _generation(remote)
        timed = {}
        for label, registry in (("in-process", local), ("over HTTP", remote)):
            started = time.perf_counter()
            for _ in range(rounds):
                _generation(registry)
            timed[label] = (time.perf_counter() - started) / rounds
        print(f"2. the skills of one generation of examples/material ({rounds} rounds)")
        for label, seconds in timed.items():
            print(
                f"   {label:<12} {seconds * 1000:8.1f} ms ({seconds / timed['in-process']:4.2f}x)"
            )
    finally:
        client.close()
        service.terminate()
        service.wait(timeout=20)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise SystemExit("the skills service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-mib", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    encoding(args.image_mib)
    skills(args.rounds)


if __name__ == "__main__":
    main()
