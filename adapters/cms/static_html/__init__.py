"""Static HTML export of a generated site: plain files any static host serves as they are."""

from adapters.cms.static_html.exporter import StaticHtmlExporter

__all__ = ["StaticHtmlExporter"]
