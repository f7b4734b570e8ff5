"""The site theme shared by every renderer (Kirby templates, static HTML): CSS custom
properties from the DTCG design tokens, and one base stylesheet that reads them."""

from adapters.cms.theme.tokens import SITE_CSS, TOKENS_CSS, build_theme, css_value, site_css

__all__ = ["SITE_CSS", "TOKENS_CSS", "build_theme", "css_value", "site_css"]
