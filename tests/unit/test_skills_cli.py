"""`kirbygen skills-api`: its options, its handler, and the lighter settings it loads with."""

from __future__ import annotations

from entrypoints import skills_cli
from entrypoints.cli import build_parser


def test_the_command_takes_host_and_port_and_loads_the_service_settings() -> None:
    args = build_parser().parse_args(["skills-api", "--host", "127.0.0.1", "--port", "9001"])
    assert (args.host, args.port) == ("127.0.0.1", 9001)
    assert args.handler is skills_cli.skills_api
    assert args.skills_service is True  # no database, sessions or queue settings needed
    defaults = build_parser().parse_args(["skills-api"])
    assert (defaults.host, defaults.port) == (None, None)  # HOST / PORT, else 0.0.0.0:8001
    assert not getattr(build_parser().parse_args(["worker"]), "skills_service", False)
