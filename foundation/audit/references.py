"""Readable references for the auditor's filter: a domain app turns a reference it owns
(a case's "SH-2026-00042", a crime log's "NS/25/0012345") into the records it names.

`foundation` imports no domain app, so the app registers its resolver in its AppConfig.ready()
(cases: `cases.selectors.audit_targets_for_reference`). A resolver returns (model label,
object id) pairs, and returns none for a reference it does not know.
"""

from __future__ import annotations

from collections.abc import Callable

# reference -> [(model label, object id)]
ReferenceResolver = Callable[[str], list[tuple[str, str]]]

_resolvers: dict[str, ReferenceResolver] = {}


def register_reference_resolver(key: str, resolver: ReferenceResolver) -> None:
    """Add or replace the resolver under `key` (a second ready() must not add it twice)."""
    _resolvers[key] = resolver


def targets_for_reference(reference: str) -> list[tuple[str, str]]:
    """Every (model label, object id) a registered app says this reference names."""
    reference = reference.strip()
    if not reference:
        return []
    return sorted({target for resolver in _resolvers.values() for target in resolver(reference)})
