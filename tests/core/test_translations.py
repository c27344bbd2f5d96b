"""Every user-facing string has a Danish translation: no empty or fuzzy entry in any app's catalogue."""

from pathlib import Path

import pytest

import boligsocial

CATALOGUES = sorted(Path(boligsocial.__file__).parent.glob("*/locale/da/LC_MESSAGES/django.po"))


def _entries(path: Path):
    msgid, msgstrs, fuzzy, in_field = None, [], False, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if msgid:
                yield msgid, msgstrs, fuzzy
            msgid, msgstrs, fuzzy, in_field = None, [], False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, in_field = line[7:-1], "id"
        elif line.startswith("msgid_plural"):
            in_field = "plural"
        elif line.startswith("msgstr"):
            msgstrs.append(line.split(" ", 1)[1][1:-1])
            in_field = "str"
        elif line.startswith('"'):
            if in_field == "id":
                msgid += line[1:-1]
            elif in_field == "str":
                msgstrs[-1] += line[1:-1]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_has_a_danish_translation(catalogue):
    untranslated = [msgid for msgid, msgstrs, fuzzy in _entries(catalogue) if fuzzy or not all(msgstrs)]
    assert untranslated == []


def test_every_app_has_a_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {"core", "accounts", "directory", "plans"}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_merge_conflict_is_left_in_a_catalogue(catalogue):
    lines = catalogue.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith(("<<<<<<<", "=======", ">>>>>>>"))] == []
