"""Every site the suite generates, served and read by real Kirby 5.

A site passes when every page answers as it should with its title visible, every link and
asset answers 200 with the type its bytes have, PHP logs nothing, no page shows markup as
text, every blueprint and Panel form loads without an invalid field, and Kirby's parser
reads every content value back as ``.kirbygen/content.json`` holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.kirby.conftest import generate, material_corpora
from tests.support.kirby_values import field_mismatches
from tests.support.real_kirby import Verdict

pytestmark = pytest.mark.slow

SITES = ["example_site", "all_types_site_dir", "hostile_site"]


@pytest.fixture(params=SITES)
def site(request: pytest.FixtureRequest) -> Path:
    return Path(request.getfixturevalue(request.param))


def test_kirby_serves_every_page_without_a_problem(
    site: Path, judged: Callable[[Path], Verdict]
) -> None:
    verdict = judged(site)
    assert verdict.problems == []
    assert "/" in verdict.pages and len(verdict.pages) >= 3


def test_kirby_reads_every_value_as_content_json_holds_it(
    site: Path, judged: Callable[[Path], Verdict]
) -> None:
    verdict = judged(site)
    assert field_mismatches(site, verdict.inspection) == []


@pytest.mark.parametrize("name", ["example_site", "hostile_site"])
def test_every_image_of_the_material_is_shown_on_a_page(
    name: str, request: pytest.FixtureRequest, judged: Callable[[Path], Verdict]
) -> None:
    site = Path(request.getfixturevalue(name))
    images = {
        p.name
        for p in (site / "content").rglob("*")
        if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".webp")
    }
    shown = {urlsplit(url).path.rsplit("/", 1)[-1] for url in judged(site).assets}
    assert images and images <= shown


def test_material_corpora_make_sites_kirby_accepts(
    tmp_path: Path, judged: Callable[[Path], Verdict]
) -> None:
    """Every ``tests/fixtures/corpus*`` folder, generated and judged like the example."""
    found = {}
    assert material_corpora(), "no material corpora under tests/fixtures/corpus*"
    for material in material_corpora():
        name = material.parent.name if material.name == "material" else material.name
        site = generate(material, tmp_path / name / "site")
        verdict = judged(site)
        found[name] = verdict.problems + field_mismatches(site, verdict.inspection)
    assert found == {name: [] for name in found}


def test_the_judge_sees_markup_shown_as_text_and_php_notices(
    example_site: Path, judged: Callable[[Path], Verdict], tmp_path: Path
) -> None:
    """The harness itself: a template that double-renders and one that warns are caught."""
    judged(example_site)  # the core is there
    broken = tmp_path / "broken"
    import shutil

    shutil.copytree(example_site, broken)
    about = broken / "site" / "templates" / "about.php"
    about.write_text(
        "<?php $missing = []; echo $missing['key'] ?? '' ?>"
        "<?php echo esc('<p>twice</p>') ?>\n" + about.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    contact = broken / "site" / "templates" / "contact.php"
    contact.write_text("<?php echo $undefined ?>\n" + contact.read_text(), encoding="utf-8")
    problems = judged(broken).problems
    assert any("/about: shows markup as text: '<p>'" in p for p in problems)
    assert any(p.startswith("/contact: answered 500") for p in problems)
    assert any("PHP log:" in p and "undefined" in p.lower() for p in problems)
