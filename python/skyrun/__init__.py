"""skyrun: a Python SDK for skyrun and the CANFAR Science Platform's skaha session API.

    from skyrun import Session
    session = Session()                      # the settings `skyrun login` saved, or SKYRUN_URL/SKYRUN_TOKEN
    ids = session.create(name="hello", image="localhost/skyrun-demo:latest", cmd="echo", args=["hello"])
    print(session.wait(ids)["status"], session.get_logs(ids))

``Session``/``AsyncSession`` are the seed pages' interface; ``Client``/``AsyncClient``
the TypeScript SDK's calls. Standard library only. See docs/python.md.
"""

from ._retry import RetryPolicy
from ._version import __version__
from .auth import CallableToken, OidcClientCredentials, OidcRefreshToken, StaticToken, TokenSource
from .bulk import run_bulk, run_bulk_async
from .client import AsyncClient, Client
from .notifications import verify_notification_signature
from .errors import (
    ApiError, ClientError, ConnectionError, CredentialsError, InvalidRequestError, ProtocolError, SessionFailedError, SessionRequestError,
    TlsError, UnsupportedError, WaitTimeoutError,
)
from .results import BulkOutcome, BulkResult, CreateFailure, CreateResult, ItemResult, MissingSession, ServerInfo, WaitProgress, WaitResult
from .session import AsyncSession, Session
from .settings import ClientSettings, load_settings, settings_path
from .spec import RegistryAuth, SessionSpec
from .wire import DONE_STATUSES, FAILED_STATUSES, SessionEvent, SessionJson, has_started_status, is_done_status, is_failed_status, parse_event_table

__all__ = [
    "ApiError", "AsyncClient", "AsyncSession", "BulkOutcome", "BulkResult", "CallableToken", "Client", "ClientError", "ClientSettings",
    "ConnectionError", "CreateFailure", "CreateResult", "CredentialsError", "DONE_STATUSES", "FAILED_STATUSES", "InvalidRequestError",
    "ItemResult", "MissingSession", "OidcClientCredentials", "OidcRefreshToken", "ProtocolError", "RegistryAuth", "RetryPolicy", "ServerInfo",
    "Session", "SessionEvent", "verify_notification_signature", "SessionFailedError", "SessionJson", "SessionRequestError", "SessionSpec", "StaticToken", "TlsError",
    "TokenSource", "UnsupportedError", "WaitProgress", "WaitResult", "WaitTimeoutError", "__version__", "has_started_status",
    "is_done_status", "is_failed_status", "load_settings", "parse_event_table", "run_bulk", "run_bulk_async", "settings_path",
]
