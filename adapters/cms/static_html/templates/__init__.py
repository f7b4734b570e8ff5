"""Jinja2 templates of the static HTML export (a package so they ship with it)."""
