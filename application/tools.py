"""What every generation needs, whichever way it was asked for (the CLI or a queued run)."""

from __future__ import annotations

import attrs

from application.checkpoints import CheckpointStore
from application.hand_edits import KeepHandEdits
from application.pipeline import GenerationPipeline
from application.progress import RunProgress
from domain.documents import IngestLimits
from domain.ports import CancelToken, CmsAdapter, SiteOutput, SkillRegistry, StaticExporter
from domain.validation import SchemaLimits


@attrs.frozen
class GenerationTools:
    skills: SkillRegistry
    cms: CmsAdapter
    output: SiteOutput
    static: StaticExporter
    limits: SchemaLimits
    ingest_limits: IngestLimits
    version: str

    def pipeline(
        self,
        *,
        checkpoints: CheckpointStore,
        progress: RunProgress,
        cancel: CancelToken | None = None,
        hand_edits: KeepHandEdits | None = None,
    ) -> GenerationPipeline:
        return GenerationPipeline(
            skills=self.skills,
            cms=self.cms,
            output=self.output,
            checkpoints=checkpoints,
            progress=progress,
            cancel=cancel,
            schema_limits=self.limits,
            ingest_limits=self.ingest_limits,
            version=self.version,
            hand_edits=hand_edits,
        )
