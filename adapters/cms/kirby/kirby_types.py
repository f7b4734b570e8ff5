"""Facts about Kirby 5 shared by the builder and the checker."""

from __future__ import annotations

# Every field type Kirby 5 ships in its core. Anything else needs a plugin and would render as
# an error box in the Panel of a generated site.
CORE_FIELD_TYPES = frozenset(
    {
        "blocks",
        "checkboxes",
        "color",
        "date",
        "email",
        "entries",
        "files",
        "gap",
        "headline",
        "hidden",
        "info",
        "layout",
        "line",
        "link",
        "list",
        "multiselect",
        "number",
        "object",
        "pages",
        "radio",
        "range",
        "select",
        "slug",
        "stats",
        "structure",
        "tags",
        "tel",
        "text",
        "textarea",
        "time",
        "toggle",
        "toggles",
        "url",
        "users",
        "writer",
    }
)

# Field types that only arrange the form and store nothing in the content file.
DISPLAY_ONLY_FIELD_TYPES = frozenset({"gap", "headline", "info", "line", "stats"})

# Keys Kirby itself writes into a page's content file, whatever the blueprint says.
STANDARD_PAGE_KEYS = frozenset({"title", "uuid", "slug"})
# Keys Kirby itself writes into a file's metadata file (``cover.jpg.txt``).
STANDARD_FILE_KEYS = frozenset({"uuid", "template", "sort"})

# The content file extension; also why a ``.txt`` upload cannot live beside a page.
CONTENT_EXTENSION = ".txt"
