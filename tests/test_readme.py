"""README's "Embedding" section works as written: its Python snippet runs, and its
curl command, against `threshold serve`'s defaults, gets guidance back."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import http

README = Path(__file__).resolve().parent.parent / "README.md"


def embedding_blocks(language: str) -> list[str]:
    text = README.read_text("utf-8")
    section = text.split("\n## Embedding\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def test_python_snippet_runs() -> None:
    (snippet,) = embedding_blocks("python")
    proc = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "request-for-support"
    assert lines[1] == "Emergency services 999"
    assert lines[2].endswith("01629 533190")
    assert re.fullmatch(r"[0-9a-f]{32}", lines[3])


def _curl_command() -> str:
    blocks = [b for b in embedding_blocks("sh") if "curl" in b]
    assert len(blocks) == 1
    lines = blocks[0].replace("\\\n", " ").splitlines()
    assert lines[0] == "threshold serve &"
    return lines[1]


def test_curl_example_targets_the_serve_defaults() -> None:
    from threshold.cli.serve import serve

    defaults = {p.name: p.default for p in serve.params}
    assert f"http://{defaults['host']}:{defaults['port']}/" in _curl_command()


def test_curl_example_works(live_server: str) -> None:
    """The README's curl command, pointed at a test server on a free port."""
    command = _curl_command().replace("http://127.0.0.1:8000", live_server)
    if shutil.which("curl"):
        out = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    else:  # replay it with urllib: the same method, URL, headers and body
        words = shlex.split(command)
        headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
        body = words[words.index("-d") + 1].encode()
        url = next(w for w in words if w.startswith("http"))
        out = http(words[words.index("-X") + 1], url, body, headers).body.decode()
    guidance = json.loads(out)
    assert guidance["route"] == "request-for-support"
    assert guidance["authority"]["id"] == "derbyshire"
    assert re.fullmatch(r"[0-9a-f]{32}", guidance["record"]["id"])
