"""The urgent advice that goes with an error, so bad input never hides who to ring.

When the input raised an urgent flag (immediate danger, significant harm, or an
authority's urgent question: :mod:`threshold.core.io.urgent_flags`), every error about it
(one line on stderr, an error record in a batch, an HTTP error) still says to
ring 999 or the child protection line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from threshold.core.engine.wording import contact_label
from threshold.core.io.urgent_flags import flags
from threshold.core.model.enums import Purpose
from threshold.core.model.errors import ThresholdError, UnknownAuthorityError
from threshold.core.plugins.registry import default_registry

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry


def urgent_advice(
    raw: object,
    authority_id: str | None,
    registry: Registry | None = None,
    *,
    seen: tuple[bool, bool] = (False, False),
) -> str | None:
    """Return the urgent advice for input ``raw`` ("immediate danger was reported:
    ring 999 now; ..."), or None when it raised no urgent flag. ``seen`` adds the
    flags already read elsewhere (from the text of input that could not be parsed).
    With a working ``authority_id`` (or an unknown one that resembles installed
    ids), the child protection advice names that authority's line."""
    # the installed authorities' urgent questions are read too, once they are loaded
    registry = registry or default_registry()
    danger, child_protection = flags(raw)
    danger, child_protection = danger or seen[0], child_protection or seen[1]
    hints = []
    if danger:
        hints.append("immediate danger was reported: ring 999 now")
    if child_protection:
        line = child_protection_line(authority_id, registry)
        hints.append(
            "significant harm was reported: "
            + (
                f"ring {line} now"
                if line
                else "ring your local authority's child protection line now"
            )
        )
    return "; ".join(hints) if hints else None


def child_protection_line(authority_id: str | None, registry: Registry | None = None) -> str | None:
    """Return the authority's child protection line(s) as words, or None if unknown.

    An id that is not installed but resembles installed ones (``Exampleshire``,
    ``example-shire``) gives their lines, each named by its authority id, so the
    urgent advice is not lost to a mistyped id.
    """
    if authority_id is None:
        return None

    registry = registry or default_registry()
    try:
        return _lines(registry, authority_id)
    except UnknownAuthorityError:
        pass
    except ThresholdError:
        return None
    lines = []
    for other in registry.resembling(authority_id):
        try:
            found = _lines(registry, other)
        except ThresholdError:  # pragma: no cover - resembling() lists usable ids only
            continue
        if found:
            lines.append(f"{found} (if the child's authority is {other})")
    return " or ".join(lines) or None


def _lines(registry: Registry, authority_id: str) -> str | None:

    authority = registry.get(authority_id).authority
    lines = authority.contacts_for(Purpose.CHILD_PROTECTION)
    return " or ".join(contact_label(c) for c in lines) or None
