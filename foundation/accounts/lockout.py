"""The client address the sign-in lockout is keyed on (django-axes' AXES_CLIENT_IP_CALLABLE).

Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
behind HUB_PROXY_COUNT of them the client is that many entries from the right; anything further
left was sent by the client and can say anything. With no trusted proxy the header is ignored
and the connection's own address is used: it is the only one a client cannot forge. This is
Werkzeug's ProxyFix rule (x_for=N), in a few lines rather than another dependency.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The real client address behind HUB_PROXY_COUNT trusted proxies (docs/deployment.md)."""
    connection_address = request.META.get("REMOTE_ADDR") or None
    trusted = settings.HUB_PROXY_COUNT
    if trusted <= 0:
        return connection_address
    forwarded = [
        entry.strip()
        for entry in request.headers.get("x-forwarded-for", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted:
        # Fewer entries than trusted proxies: the request did not pass through all of them, so
        # the header cannot be trusted.
        return connection_address
    return _normalised(forwarded[-trusted]) or connection_address


def _normalised(entry: str) -> str | None:
    """The address in an X-Forwarded-For entry ("203.0.113.5", "203.0.113.5:4711",
    "[2001:db8::1]:4711", "2001:db8::1"), or None if it holds none."""
    candidates = [entry]
    if entry.startswith("[") and "]" in entry:
        candidates.append(entry[1 : entry.index("]")])
    elif entry.count(":") == 1:
        candidates.append(entry.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
