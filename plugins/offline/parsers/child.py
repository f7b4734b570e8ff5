"""Running a parser in a child process that caps its own memory and CPU, for formats whose
parsing a hostile file can make loop or allocate without bound (PDF, DOCX).

The parent sends the file's bytes on stdin and the limits as arguments, and reads one JSON
object from stdout; it kills the child on the timeout. The child (``child_main``) sets
RLIMIT_AS and RLIMIT_CPU before it reads a byte. A crash, a kill or a non-JSON answer becomes
a ``RejectedInput`` naming the limits, so the rest of the batch goes on.
"""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.documents import IngestLimits, RejectedInput, RejectionCode

# The folder that holds the ``plugins`` package, so the child finds it wherever it runs.
_IMPORT_ROOT = str(Path(__file__).resolve().parents[3])
_CPU_SECONDS_MARGIN = 2


class Refused(Exception):
    """Raised in a child: the file is refused with ``code`` (a RejectionCode value)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def run_child(
    module: str, args: list[str], data: bytes, limits: IngestLimits, what: str
) -> dict[str, Any]:
    """The child's answer for ``data``; raises RejectedInput for every way it can fail."""
    command = [
        sys.executable,
        "-m",
        module,
        *args,
        "--memory-bytes",
        str(limits.pdf_memory_bytes),
        "--cpu-seconds",
        str(math.ceil(limits.pdf_timeout_seconds)),
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_IMPORT_ROOT, env.get("PYTHONPATH")) if p)
    try:
        completed = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=limits.pdf_timeout_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RejectedInput(
            RejectionCode.TIMEOUT,
            f"reading the {what} took longer than pdf_timeout_seconds={limits.pdf_timeout_seconds}",
        ) from None
    try:
        answer = json.loads(completed.stdout)
    except ValueError:
        # No answer: the child was killed, most often by its memory or CPU limit.
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"the {what} reader stopped (exit {completed.returncode}) within its limits "
            f"pdf_memory_bytes={limits.pdf_memory_bytes}, "
            f"pdf_timeout_seconds={limits.pdf_timeout_seconds}",
        ) from None
    if not isinstance(answer, dict):
        raise RejectedInput(RejectionCode.PARSE_ERROR, f"the {what} reader gave no usable answer")
    if not answer.get("ok"):
        code = str(answer.get("code") or RejectionCode.PARSE_ERROR)
        reason = str(answer.get("reason") or f"the {what} could not be read")
        if reason == "memory":
            reason = (
                f"reading the {what} needed more memory than "
                f"pdf_memory_bytes={limits.pdf_memory_bytes}"
            )
        known = {c.value for c in RejectionCode}
        rejection = RejectionCode(code) if code in known else RejectionCode.PARSE_ERROR
        raise RejectedInput(rejection, reason)
    return answer


def child_main(
    add_arguments: Callable[[Any], None], read: Callable[[bytes, Any], dict[str, Any]]
) -> int:
    """The child's whole life: parse the arguments, cap memory and CPU, read stdin, answer
    one JSON object on stdout (``{"ok": false, "code", "reason"}`` for a refusal)."""
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--memory-bytes", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    args = parser.parse_args()
    data = sys.stdin.buffer.read()
    resource.setrlimit(resource.RLIMIT_AS, (args.memory_bytes, args.memory_bytes))
    cpu = args.cpu_seconds + _CPU_SECONDS_MARGIN
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    logging.disable(logging.CRITICAL)  # stdout is for the JSON answer
    warnings.simplefilter("ignore")
    try:
        result = read(data, args)
    except Refused as exc:
        result = {"ok": False, "code": exc.code, "reason": exc.reason}
    except RejectedInput as exc:
        result = {"ok": False, "code": exc.code.value, "reason": exc.reason}
    except MemoryError:
        result = {"ok": False, "code": "limit_exceeded", "reason": "memory"}
    except RecursionError:
        result = {"ok": False, "code": "parse_error", "reason": "the file nests too deeply"}
    except Exception as exc:
        result = {"ok": False, "code": "parse_error", "reason": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(result))
    return 0
