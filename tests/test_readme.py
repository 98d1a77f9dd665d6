"""README's "Embedding" section works as written: its Python snippet runs, and its
curl commands, against `threshold serve`'s defaults, get guidance, a form, a
validation result and a comparison back."""

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
    assert lines[0] == "request-for-support referral"
    assert lines[1] == "Emergency services 999"
    assert lines[2].endswith("01629 533190")
    assert re.fullmatch(r"[0-9a-f]{32}", lines[3])
    assert lines[4] == "derbyshire-request-for-support"
    assert lines[5] == "significant-harm: required; expected true (yes) or false (no)"
    assert lines[6] == "3840"


def _curl_commands() -> list[str]:
    blocks = [b for b in embedding_blocks("sh") if "curl" in b]
    assert len(blocks) == 1
    lines = blocks[0].replace("\\\n", " ").splitlines()
    assert lines[0] == "threshold serve &"
    assert len(lines) == 5 and all(line.startswith("curl -s ") for line in lines[1:])
    return lines[1:]


def test_curl_examples_target_the_serve_defaults() -> None:
    from threshold.cli.serve import serve

    defaults = {p.name: p.default for p in serve.params}
    for command in _curl_commands():
        assert f"http://{defaults['host']}:{defaults['port']}/" in command


def _curl(command: str, cwd: Path) -> str:
    """Run one curl command in ``cwd``; without curl, replay it with urllib (the
    same method, URL, headers and body, and -o)."""
    if shutil.which("curl"):
        return subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60, check=True, cwd=cwd
        ).stdout
    words = shlex.split(command)
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    body = words[words.index("-d") + 1].encode() if "-d" in words else None
    method = words[words.index("-X") + 1] if "-X" in words else "GET"
    url = next(w for w in words if w.startswith("http"))
    out = http(method, url, body, headers).body.decode()
    if "-o" in words:
        (cwd / words[words.index("-o") + 1]).write_text(out, "utf-8")
        return ""
    return out


def test_curl_examples_work(live_server: str, tmp_path: Path) -> None:
    """The README's curl commands, pointed at a test server on a free port."""
    route, form, validate, compare = (
        command.replace("http://127.0.0.1:8000", live_server) for command in _curl_commands()
    )
    guidance = json.loads(_curl(route, tmp_path))
    assert guidance["route"] == "request-for-support"
    assert guidance["authority"]["id"] == "derbyshire"
    assert re.fullmatch(r"[0-9a-f]{32}", guidance["record"]["id"])

    assert _curl(form, tmp_path) == ""
    page = (tmp_path / "form.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Starting Point request for support" in page

    result = json.loads(_curl(validate, tmp_path))
    assert result["format"] == "threshold.validation/1" and result["valid"] is False
    assert result["errors"][0] == {
        "item": "immediate-danger",
        "message": "required; expected true (yes) or false (no)",
    }

    comparison = json.loads(_curl(compare, tmp_path))
    assert comparison["format"] == "threshold.compare/1" and comparison["differences_only"]
    assert [a["id"] for a in comparison["authorities"]] == ["derbyshire", "derby_city"]
