"""Peak memory of the upload path: a 50 MiB file uploaded over HTTP into S3 (moto's server)
and into local storage, and S3Storage.put alone, measured in one run.

Usage:  .venv/bin/python bench/storage.py [--mib N]

The API runs under uvicorn in a child process (as in bench/http.py); the client streams the
multipart body from a file on disk, so only the server's memory moves. The figure is the
growth of the server's peak resident set (VmHWM in /proc) across the upload, after a small
warm-up upload. The baseline, measured in the same run, is the file's own size: what holding
it whole once would cost. Printed: each growth in MiB and as a ratio of the file size.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import httpx2  # noqa: E402

from bench.http import Server  # noqa: E402
from tests.support.servers import moto_server  # noqa: E402

MIB = 1024 * 1024
DEFAULT_MIB = 50
CHUNK = 256 * 1024
CREDENTIALS = {"email": "bench@example.com", "password": "benchmark-password"}


def _status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc: this benchmark needs Linux")


def reset_peak(pid: int) -> int:
    """Start a new peak-RSS window (Linux: write 5 to clear_refs); returns the RSS now."""
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")
    return _status(pid, "VmRSS")


def write_material(path: Path, size: int) -> None:
    line = b"A line of plain notes about a project, repeated to make a large text file.\n"
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = line[: size - written]
            out.write(piece)
            written += len(piece)


def multipart(path: Path, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{path.name}"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def upload(client: httpx2.Client, project: str, headers: dict[str, str], path: Path) -> None:
    boundary = uuid.uuid4().hex
    response = client.post(
        f"/api/projects/{project}/uploads",
        content=multipart(path, boundary),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    if response.status_code != 201:
        raise RuntimeError(f"upload answered {response.status_code}: {response.text}")


def http_upload_growth(env: dict[str, str], small: Path, large: Path) -> int:
    server = Server("bench.http:kirbygen_app", env)
    with server, httpx2.Client(base_url=server.url, timeout=300) as client:
        client.post("/api/auth/register", json=CREDENTIALS).raise_for_status()
        login = client.post("/api/auth/login", json=CREDENTIALS)
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        created = client.post("/api/projects", json={"name": "Bench"}, headers=headers)
        created.raise_for_status()
        project = created.json()["id"]
        upload(client, project, headers, small)  # warm-up: imports, pools, first buffers
        before = reset_peak(server.pid)
        upload(client, project, headers, large)
        return _status(server.pid, "VmHWM") - before


_PUT_ALONE = """
import io, sys
from adapters.s3.storage import S3Options, S3Storage, make_client
options = S3Options(bucket=sys.argv[2], region="us-east-1", access_key_id="bench",
                    secret_access_key="bench", endpoint=sys.argv[1], path_style=True)
storage = S3Storage(options)
storage.put("warm-up", io.BytesIO(b"x" * 20 * 1024 * 1024))
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
before = status("VmRSS")
with open(sys.argv[3], "rb") as source:
    storage.put("large", source)
print(status("VmHWM") - before)
"""


def put_alone_growth(endpoint: str, bucket: str, large: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PUT_ALONE, endpoint, bucket, str(large)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=DEFAULT_MIB)
    args = parser.parse_args()
    size = args.mib * MIB
    with tempfile.TemporaryDirectory() as work, moto_server() as endpoint:
        folder = Path(work)
        small, large = folder / "warm-up.txt", folder / "notes.txt"
        write_material(small, MIB)
        write_material(large, size)
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        from adapters.s3.storage import S3Options, make_client

        client = make_client(
            S3Options(bucket=bucket, region="us-east-1", access_key_id="bench",
                      secret_access_key="bench", endpoint=endpoint, path_style=True)
        )  # fmt: skip
        client.create_bucket(Bucket=bucket)
        common = {
            "KIRBYGEN_DISABLE_PLUGINS": "1",
            "JWT_SECRET": "bench-jwt-" + "x" * 32,
            "SESSION_SECRET": "bench-session-" + "y" * 32,
            "KIRBYGEN_MAX_UPLOAD_BYTES": str(size + MIB),
            "KIRBYGEN_MAX_REQUEST_BYTES": str(size + 2 * MIB),
            "LOG_LEVEL": "WARNING",
        }
        s3_env = common | {
            "KIRBYGEN_DATA_DIR": str(folder / "s3-data"),
            "STORAGE_TYPE": "s3",
            "S3_ENDPOINT": endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": "bench",
            "S3_SECRET_ACCESS_KEY": "bench",
            "S3_FORCE_PATH_STYLE": "true",
        }
        local_env = common | {"KIRBYGEN_DATA_DIR": str(folder / "local-data")}
        for name in ("STORAGE_TYPE", "DATABASE_URL", "REDIS_URL", "APP_ENV", "QUEUE_URL"):
            os.environ.pop(name, None)
        s3_growth = http_upload_growth(s3_env, small, large)
        local_growth = http_upload_growth(local_env, small, large)
        put_growth = put_alone_growth(endpoint, bucket, large)
    print(f"file: {size / MIB:.0f} MiB (baseline: holding it whole once = 1.00)")
    for label, growth in (
        ("HTTP upload into S3 (moto)", s3_growth),
        ("HTTP upload into local storage", local_growth),
        ("S3Storage.put of the file alone", put_growth),
    ):
        print(f"{label:34s} peak RSS +{growth / MIB:6.1f} MiB  ratio {growth / size:.2f}")


if __name__ == "__main__":
    main()
