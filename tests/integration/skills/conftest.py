"""One real `kirbygen skills-api` process for the tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.skills_service import SkillsService, skills_service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SkillsService]:
    log = tmp_path_factory.mktemp("skills-api") / "skills-api.log"
    with skills_service(log) as running:
        yield running
