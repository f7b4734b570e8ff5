"""The Kirby site's CSS: the shared theme (``adapters.cms.theme``), at Kirby's asset paths."""

from adapters.cms.theme.tokens import SITE_CSS, TOKENS_CSS, build_theme, css_value, tokens_css

__all__ = ["SITE_CSS", "TOKENS_CSS", "build_theme", "css_value", "tokens_css"]
