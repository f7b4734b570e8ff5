"""The job queue on SAQ (Redis or PostgreSQL), for `kirbygen worker` processes."""

from adapters.saq.queue import SaqJobQueue, SaqPolicy

__all__ = ["SaqJobQueue", "SaqPolicy"]
