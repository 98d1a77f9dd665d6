"""A replay of a decision record in words (``threshold replay``)."""

from __future__ import annotations

from threshold.core.analysis.replay import Replay


def replay_text(result: Replay) -> str:
    """The replay as lines of text: the verdict, the reasons, what differs, and what
    the version in force today would do."""
    named = result.version or "no version named"
    verdict = "REPRODUCED" if result.reproduced else "NOT REPRODUCED"
    lines = [
        f"{verdict}: decision {result.record_id} ({result.authority}, version {named})",
        *(f"  {reason}" for reason in result.reasons),
    ]
    for difference in result.differences:
        lines.append(f"  {difference.field}: recorded {difference.recorded}")
        lines.append(f"  {' ' * len(difference.field)}  replayed {difference.replayed}")
    today = result.today_version or "current"
    if result.replayed_with is not None and result.replayed_with == result.today_version:
        lines.append(f"Today's version is {today}, the version replayed.")
    elif result.today_same:
        lines.append(f"Today's version ({today}) routes this case the same way.")
    else:
        lines.append(f"Today's version ({today}) would route this case differently:")
        for difference in result.today_differences:
            lines.append(f"  {difference.field}: recorded {difference.recorded}")
            lines.append(f"  {' ' * len(difference.field)}  today    {difference.replayed}")
    return "\n".join(lines) + "\n"
