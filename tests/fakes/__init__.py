"""In-memory fakes of the ports in ``domain.ports``, for application tests.

Each behaves like the real adapters of its port: the contract tests in ``tests/contract`` run
the same suite against both. Inspect their public state rather than mocking calls.
"""

from .cancel import FakeCancelToken
from .clock import FixedClock, SequentialIds
from .deploy import DeployCall, FakeDeployer
from .git import FakeCommit, FakeGit, read_folder
from .jobs import FakeJobQueue
from .llm import FakeLanguageModel, LlmCall
from .progress import RecordingProgressSink
from .repository import FakeProjectRepository
from .sessions import FakeSessionStore
from .site_output import FakeSiteOutput
from .storage import FakeStorage

__all__ = [
    "DeployCall",
    "FakeCancelToken",
    "FakeCommit",
    "FakeDeployer",
    "FakeGit",
    "FakeJobQueue",
    "FakeLanguageModel",
    "FakeProjectRepository",
    "FakeSessionStore",
    "FakeSiteOutput",
    "FakeStorage",
    "FixedClock",
    "LlmCall",
    "RecordingProgressSink",
    "SequentialIds",
    "read_folder",
]
