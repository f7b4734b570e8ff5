"""What `kirbygen smoke` accepts as a Kirby site archive, and what it names when it refuses."""

from __future__ import annotations

import io
import zipfile

import pytest

from entrypoints.smoke import StepFailed, api_base, check_kirby_zip

SITE = {
    "index.php": b"<?php\nrequire 'kirby/bootstrap.php';\n",
    "content/site.txt": b"Title: Mara\n",
    "site/blueprints/site.yml": b"title: Site\n",
    "site/blueprints/pages/project.yml": b"title: Project\nfields:\n  text: {type: textarea}\n",
    "site/templates/default.php": b"<?php snippet('header') ?>\n",
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_kirby_site_passes_and_is_described() -> None:
    assert check_kirby_zip(_zip(SITE)).endswith("5 files, 2 blueprints")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"index.php": None}, "not a Kirby site: no index.php"),
        ({"site/blueprints/site.yml": None}, "no site/blueprints/site.yml"),
        ({"site/templates/default.php": None}, "no template in site/templates/"),
        ({"site/blueprints/pages/project.yml": b"title: [unclosed\n"}, "is not valid YAML"),
        ({"index.php": b"<html>not php</html>"}, "index.php is not a PHP file"),
    ],
)
def test_a_broken_site_names_what_is_wrong(change: dict[str, bytes | None], message: str) -> None:
    members = {**SITE, **change}
    site = {name: data for name, data in members.items() if data is not None}

    with pytest.raises(StepFailed, match=message.replace("[", r"\[")):
        check_kirby_zip(_zip(site))


def test_bytes_that_are_no_zip_are_refused() -> None:
    with pytest.raises(StepFailed, match=r"not a zip archive \(9 bytes\)"):
        check_kirby_zip(b"<html>hi!")


def test_a_corrupt_member_is_named() -> None:
    title = b"Title: " + b"Harbour lamps " * 15  # long enough to be stored as written
    data = bytearray(_zip({**SITE, "content/site.txt": title}))
    at = data.index(title)
    data[at : at + 5] = b"BROKE"

    with pytest.raises(StepFailed, match=r"content/site\.txt is corrupt"):
        check_kirby_zip(bytes(data))


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://api.example.com/", "https://api.example.com"),
        (" http://127.0.0.1:8000/prefix/ ", "http://127.0.0.1:8000/prefix"),
    ],
)
def test_api_base(url: str, base: str) -> None:
    assert api_base(url) == base


@pytest.mark.parametrize("url", ["api.example.com", "ws://api.example.com", "https://"])
def test_api_base_refuses_what_is_no_http_url(url: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        api_base(url)
