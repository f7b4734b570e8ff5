"""The command line's parsers: every command reaches a handler, and the choices spelled out
for a fast `--help` stay equal to the settings they mirror."""

from __future__ import annotations

import argparse

import pytest

from config.deploy_settings import DEPLOY_TARGETS
from config.settings import SkillsMode
from entrypoints import deploy_cli, generate_cli
from entrypoints.cli import EXIT_USAGE, build_parser, main


def _leaf_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from _leaf_parsers(child, (*path, name))


def test_every_command_has_a_handler() -> None:
    leaves = list(_leaf_parsers(build_parser()))
    assert ("generate",) in [path for path, _ in leaves]
    for path, parser in leaves:
        handler = parser.get_default("handler")
        assert callable(handler), f"kirbygen {' '.join(path)} has no handler"


def test_spelled_out_choices_match_the_settings() -> None:
    assert set(generate_cli.SKILLS_MODES) == {mode.value for mode in SkillsMode}
    assert deploy_cli.DEPLOY_TARGETS == DEPLOY_TARGETS


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate", "x", "--out", "y", "--skills", "nope"], "invalid choice: 'nope'"),
        (["generate", "x", "--out", "y", "--brand-color", "red"], "not a hex colour"),
        (["deploy", "x", "--target", "ftp"], "invalid choice: 'ftp'"),
        (["db"], "required: db_command"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("kirbygen: ") and message in err
    assert "Traceback" not in err
