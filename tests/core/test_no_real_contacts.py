"""No real person's phone number or name from the source plans appears anywhere in the code, tests or docs."""

import re
from pathlib import Path

from tests.demo.test_load_demo import SOURCE_NAMES, SOURCE_NUMBERS

ROOT = Path(__file__).resolve().parents[2]
LISTS = Path(__file__).resolve().parents[1] / "demo" / "test_load_demo.py"  # holds the lists themselves
NUMBER = re.compile(r"(?<!\d)(?:\+45\s?)?(\d{2})\s?(\d{2})\s?(\d{2})\s?(\d{2})(?!\d)")


SUFFIXES = {".py", ".html", ".md", ".txt", ".po", ".json", ".csv", ".sh"}


def _files():
    for folder in ("src", "tests", "docs", "bench", "scripts"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in SUFFIXES and path != LISTS:
                yield path


def test_no_source_phone_number_or_name_is_used():
    found = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [
            f"{path.relative_to(ROOT)}: {''.join(m)}" for m in NUMBER.findall(text) if "".join(m) in SOURCE_NUMBERS
        ]
        found += [f"{path.relative_to(ROOT)}: {name}" for name in SOURCE_NAMES if name in text]
    assert found == []
