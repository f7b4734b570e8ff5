"""Use case: export the generated site as static HTML into a folder of its own."""

from __future__ import annotations

from pathlib import Path

from domain.errors import KirbyGenError
from domain.ports import SiteOutput, StaticExporter
from domain.site import SiteSpec, WriteSummary


class ExportStaticSite:
    def __init__(self, *, exporter: StaticExporter, output: SiteOutput) -> None:
        self._exporter = exporter
        self._output = output

    def __call__(self, site: SiteSpec, out_dir: Path) -> WriteSummary:
        try:
            files = self._exporter.export(site)
        except KirbyGenError:
            raise
        except Exception as exc:  # a renderer bug still ends as one honest message
            raise KirbyGenError(
                f"the static export failed: {type(exc).__name__}: {exc}",
                code="static_export_failed",
            ) from exc
        return self._output.write(out_dir, files)
