"""A catalogue of malformed case files: each gets a clear one-line error and
exit status 2, in bounded time and memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("threshold")
MiB = 1024 * 1024

CATALOGUE: list[tuple[str, bytes, str]] = [
    ("empty", b"", "--case: not valid JSON"),
    ("whitespace", b"  \n\t ", "--case: not valid JSON"),
    ("binary", bytes(range(256)) * 4, "--case: expected UTF-8 encoded JSON"),
    ("truncated", b'{"level": 3, "early_help_assessment": "comp', "--case: not valid JSON"),
    ("deeply nested", b"[" * 200_000 + b"]" * 200_000, "--case: JSON nested too deeply"),
    ("deep object", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "--case: JSON nested too deeply"),
    ("utf-16", '{"level": 3}'.encode("utf-16"), "--case: expected UTF-8 encoded JSON"),
    (
        "latin-1",
        '{"level": 3, "name": "Zoë"}'.encode("latin-1"),
        "--case: expected UTF-8 encoded JSON",
    ),
    ("null byte", b'{"level": 3}\x00', "--case: not valid JSON"),
    ("a number", b"3", "case: got 3; expected a JSON object"),
    ("a string", b'"level 3"', "case: got a string; expected a JSON object"),
    ("NaN", b'{"level": NaN}', "--case: not valid JSON (NaN is not a JSON value)"),
    ("Infinity", b'{"level": -Infinity}', "--case: not valid JSON (-Infinity is not a JSON value)"),
    (
        "huge integer",
        b'{"level": ' + b"9" * 4000 + b"}",
        "level: got a very large number; expected",
    ),
    ("too many digits", b'{"level": ' + b"9" * 5000 + b"}", "--case: not valid JSON"),
    ("50 MB", b'{"level": 3, "pad": "' + b"x" * (50 * MiB) + b'"}', "--case: larger than 1 MiB"),
]


#: Runs the CLI in a child process and writes that process's own peak RSS (KiB,
#: from /proc/self/status)
#: to the file named first, so each case is measured on its own.
MEASURED = """
import atexit, re, sys
out = sys.argv[1]
def peak():  # VmHWM: this process's own high-water mark (ru_maxrss keeps the parent's)
    return re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
atexit.register(lambda: open(out, "w").write(peak()))
sys.argv = ["threshold", *sys.argv[2:]]
from threshold.cli import main
main()
"""


@pytest.mark.parametrize(("name", "payload", "message"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_hostile_case_file(tmp_path: Path, name: str, payload: bytes, message: str) -> None:
    if not BIN.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    path = tmp_path / "case.json"
    path.write_bytes(payload)
    rss = tmp_path / "rss"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURED,
            str(rss),
            "route",
            "--authority",
            "derbyshire",
            "--case",
            str(path),
        ],
        capture_output=True,
        timeout=60,  # a bound, not a benchmark: a hang fails here rather than stalling CI
    )
    stderr = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, stderr
    assert proc.stdout == b""
    assert stderr.count("\n") == 1 and stderr.startswith("threshold: error: ")
    assert message in stderr
    assert "Traceback" not in stderr
    assert len(stderr) < 1000  # nothing of the input is echoed back
    assert int(rss.read_text()) / 1024 < 100  # MiB: the input is never read whole


def test_bom_then_valid_json_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_bytes(b'\xef\xbb\xbf{"level": 2}')
    proc = subprocess.run(
        [str(BIN), "route", "--authority", "derby_city", "--case", str(path)],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
