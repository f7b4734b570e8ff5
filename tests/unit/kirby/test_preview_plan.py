"""Which Kirby core `kirbygen preview` uses, and what it says when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cms.kirby.preview import CORE_SETTING, PreviewError, find_core, plan_preview


def _core(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "bootstrap.php").write_text("<?php\n")
    return folder


def _site(folder: Path) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "index.php").write_text("<?php\n")
    return folder


def test_the_given_core_wins_then_the_setting_then_the_sites_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    own = _core(site / "kirby")
    given = _core(tmp_path / "given")
    configured = _core(tmp_path / "configured")
    monkeypatch.setenv(CORE_SETTING, str(configured))
    assert find_core(site, given) == given.resolve()
    assert find_core(site, None) == configured.resolve()
    monkeypatch.delenv(CORE_SETTING)
    assert find_core(site, None) == own.resolve()


def test_no_core_or_a_wrong_one_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CORE_SETTING, raising=False)
    site = _site(tmp_path / "site")
    with pytest.raises(PreviewError, match="composer install"):
        find_core(site, None)
    with pytest.raises(PreviewError, match="not a Kirby core"):
        find_core(site, tmp_path)
    with pytest.raises(PreviewError, match="not a Kirby site folder"):
        plan_preview(tmp_path / "nothing", None)
    with pytest.raises(PreviewError, match="was not found"):
        plan_preview(site, None, php="no-such-php-binary")
