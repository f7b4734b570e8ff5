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

# Panel icons of Kirby 5 that a blueprint may name (a subset of its icon set). An unknown name
# shows no icon at all, so blueprints fall back to `page`.
PANEL_ICONS = frozenset(
    [
        "accessibility",
        "account",
        "add",
        "alert",
        "anchor",
        "archive",
        "attachment",
        "audio",
        "badge",
        "bell",
        "book",
        "bookmark",
        "box",
        "brush",
        "bug",
        "calendar",
        "cart",
        "chart",
        "chat",
        "check",
        "checklist",
        "circle",
        "clock",
        "cloud",
        "code",
        "cog",
        "copy",
        "dashboard",
        "document",
        "download",
        "draft",
        "edit",
        "email",
        "file",
        "file-audio",
        "file-code",
        "file-document",
        "file-image",
        "file-text",
        "file-video",
        "filter",
        "flag",
        "folder",
        "food",
        "globe",
        "grid",
        "heart",
        "home",
        "image",
        "images",
        "info",
        "key",
        "lab",
        "layers",
        "list-bullet",
        "list-numbers",
        "lock",
        "map",
        "megaphone",
        "menu",
        "mobile",
        "money",
        "page",
        "pen",
        "phone",
        "pin",
        "quote",
        "search",
        "settings",
        "star",
        "tag",
        "text",
        "title",
        "upload",
        "url",
        "user",
        "users",
        "video",
    ]
)
# Names skills use that Kirby spells differently.
PANEL_ICON_ALIASES = {"music": "audio", "mail": "email", "photo": "image", "people": "users"}
DEFAULT_PANEL_ICON = "page"


def panel_icon(name: str) -> str:
    """A Kirby Panel icon for ``name``: itself, its Kirby spelling, or ``page``."""
    wanted = PANEL_ICON_ALIASES.get(name, name)
    return wanted if wanted in PANEL_ICONS else DEFAULT_PANEL_ICON
