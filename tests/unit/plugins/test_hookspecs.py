from __future__ import annotations

import inspect

from plugins import hookimpl, hookspecs

SPEC_MARK = f"{hookspecs.PROJECT_NAME}_spec"


def hookspec_functions() -> list[object]:
    return [obj for obj in vars(hookspecs).values() if callable(obj) and hasattr(obj, SPEC_MARK)]


def test_every_hookspec_has_a_docstring() -> None:
    specs = hookspec_functions()
    assert specs, "no hookspecs found"
    undocumented = [
        getattr(spec, "__name__", repr(spec))
        for spec in specs
        if len((inspect.getdoc(spec) or "").strip()) < 20
    ]
    assert undocumented == [], f"hookspecs without a docstring: {undocumented}"


def test_hooks_are_namespaced_and_the_marker_is_exported() -> None:
    for spec in hookspec_functions():
        assert getattr(spec, "__name__", "").startswith("kirbygen_")
    assert hookimpl is hookspecs.hookimpl
