"""Links between pages of the static export: the same answer as ``posixpath.relpath``."""

from __future__ import annotations

import posixpath
from itertools import product

from adapters.cms.static_html.site_map import relative_url

PATHS = [
    "index.html",
    "about/index.html",
    "projects/index.html",
    "projects/lamps/index.html",
    "projects/lamps/photo.jpg",
    "projects/lamps-2/index.html",
    "writing/ash/index.html",
    "assets/site.css",
    "projects",
    "projects/lamps",
]


def test_every_pair_of_paths_gives_what_relpath_gives() -> None:
    for source, target in product(PATHS, PATHS):
        expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
        assert relative_url(source, target) == expected, (source, target)
