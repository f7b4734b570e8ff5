"""In-memory fakes of the ports in ``domain.ports``, for application tests.

Each behaves like the real adapters of its port: the contract tests in ``tests/contract`` run
the same suite against both. Inspect their public state rather than mocking calls.
"""

from .cancel import FakeCancelToken
from .clock import FixedClock, SequentialIds
from .deploy import DeployCall, FakeDeployer
from .deployments import FakeDeploymentRepository
from .git import FakeCommit, FakeGit, read_folder
from .jobs import FakeJobQueue
from .llm import FakeLanguageModel, LlmCall
from .passwords import FakePasswordHasher
from .progress import RecordingProgressSink
from .project_records import FakeProjectRecords
from .rate_limit import FakeRateLimiter
from .repository import FakeProjectRepository
from .sessions import FakeSessionStore
from .site_output import FakeSiteOutput
from .storage import FakeStorage
from .tokens import FakeAccessTokens, FakePreviewTokens, IssuedToken

__all__ = [
    "DeployCall",
    "FakeAccessTokens",
    "FakeCancelToken",
    "FakeCommit",
    "FakeDeployer",
    "FakeDeploymentRepository",
    "FakeGit",
    "FakeJobQueue",
    "FakeLanguageModel",
    "FakePasswordHasher",
    "FakePreviewTokens",
    "FakeProjectRecords",
    "FakeProjectRepository",
    "FakeRateLimiter",
    "FakeSessionStore",
    "FakeSiteOutput",
    "FakeStorage",
    "FixedClock",
    "IssuedToken",
    "LlmCall",
    "RecordingProgressSink",
    "SequentialIds",
    "read_folder",
]
