"""`threshold replay RECORD`: re-derive a decision record with the version it names."""

from __future__ import annotations

import json

import click

from threshold.cli.common import Failure, authority_argument_failure, read_json_source
from threshold.core.model.errors import AuthorityError, CaseError

#: A record is small; a larger file is not one.
MAX_RECORD_BYTES = 1024 * 1024


@click.command()
@click.argument("record_source", metavar="RECORD")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def replay(record_source: str, fmt: str) -> None:
    """Replay a decision record (a JSON file from `threshold route --record --format json`,
    its "record", or - for standard input) with the version of the data named in it: say
    whether it reproduces exactly, what differs and why, and whether the version in force
    today would route it differently. Exit status: 0 reproduced, 1 not, 2 bad input."""
    from threshold.core.analysis.replay import replay as replay_record
    from threshold.core.plugins.registry import default_registry
    from threshold.core.render.replay import replay_text

    data = read_json_source(
        record_source, "RECORD", '{"format": "threshold.record/1", ...}', MAX_RECORD_BYTES
    )
    if isinstance(data, dict) and isinstance(data.get("record"), dict):
        data = data["record"]  # the guidance a record came in
    try:
        result = replay_record(data, default_registry())
    except CaseError as exc:
        raise Failure(f"RECORD: {exc}") from None
    except AuthorityError as exc:
        raise authority_argument_failure(exc) from None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(replay_text(result), nl=False)
    if not result.reproduced:
        raise SystemExit(1)
