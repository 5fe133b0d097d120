"""A real OpenID Connect provider for the tests: oidc-provider-mock (authlib's server side on
werkzeug) in a thread on a loopback port. It publishes discovery and keys, signs RS256 ID
tokens, issues and refreshes tokens and serves a sign-in page; claims are set per subject over
its HTTP API. Nothing of the hub's client side is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit

import oidc_provider_mock
import requests

from foundation.accounts.oidc_config import OidcProvider

TIMEOUT = 10


class LocalProvider:
    def __init__(self, url: str) -> None:
        self.url = url

    def set_user(self, sub: str, **claims: object) -> None:
        response = requests.put(f"{self.url}/users/{quote(sub)}", json=claims, timeout=TIMEOUT)
        assert response.status_code == 204, response.text

    def disable(self, sub: str) -> None:
        """What disabling a directory account does to the hub: its tokens stop refreshing."""
        response = requests.post(f"{self.url}/users/{quote(sub)}/revoke-tokens", timeout=TIMEOUT)
        assert response.status_code == 204, response.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider as `sub`; returns where it sends them back to."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        response = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def provider(self, *, agency: str, **overrides: object) -> OidcProvider:
        values: dict[str, object] = {
            "key": "force",
            "label": "Home Force",
            "issuer": self.url,
            "client_id": "stalking-hub",
            "client_secret": "not-a-real-secret",
            "agency": agency,
            "email_domains": ("force.example",),
        }
        values.update(overrides)
        return OidcProvider(**values)  # type: ignore[arg-type]


@contextmanager
def running_provider() -> Iterator[LocalProvider]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield LocalProvider(f"http://localhost:{server.server_port}")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
