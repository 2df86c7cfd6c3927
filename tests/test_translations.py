"""The Simplified Chinese catalogues: they load, and every shipped ``.po`` file is complete.

The project ships compiled ``.mo`` files (nothing compiles at install time), so the
catalogue checks also compare each ``.mo`` with its ``.po``: a ``.po`` edited without
running ``compilemessages`` fails here.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from crm.models import Candidacy, Opening
from crm.pipeline import IllegalStageMove
from talent.models import Candidate, Venue

REPO = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "var", ".git", "build", "dist", "node_modules"}


# ---------------------------------------------------------------------------
# Strings in Chinese


def test_model_names_and_choices_in_chinese():
    with translation.override("zh-hans"):
        assert str(Candidate._meta.verbose_name) == "候选人"
        assert str(Venue._meta.verbose_name) == "会议/期刊"
        assert str(Opening._meta.verbose_name) == "职位"
        assert str(Candidacy._meta.verbose_name) == "候选流程"
        assert str(Candidacy.Stage.SUBMITTED.label) == "已推荐给客户"
        assert str(Candidacy.Stage.PLACED.label) == "成功入职"
        assert str(Candidate.Degree.PHD.label) == "博士"
        assert str(Candidacy._meta.get_field("stage").verbose_name) == "阶段"


def test_same_strings_stay_english_in_english():
    with translation.override("en"):
        assert str(Candidate._meta.verbose_name) == "candidate"
        assert str(Candidacy.Stage.SUBMITTED.label) == "Submitted to client"


def test_illegal_stage_move_message_in_chinese():
    with translation.override("zh-hans"):
        exc = IllegalStageMove(Candidacy.Stage.SOURCED, Candidacy.Stage.PLACED)
    assert exc.message == "候选流程不能从“已寻访”转到“成功入职”。"
    assert exc.fields == {"to_stage": [exc.message]}


def test_project_strings_in_chinese():
    from django.conf import settings

    with translation.override("zh-hans"):
        names = {code: str(name) for code, name in settings.LANGUAGES}
        assert names == {"en": "英语", "zh-hans": "简体中文"}
        assert translation.gettext("Not found.") == "未找到。"


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["accept-language", "language-code"])
def test_admin_index_shows_chinese_app_names(client, recruiter, settings, how):
    client.force_login(recruiter)
    if how == "accept-language":
        response = client.get(reverse("admin:index"), headers={"accept-language": "zh-hans"})
    else:
        settings.LANGUAGE_CODE = "zh-hans"
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "人才库" in html  # talent
    assert "招聘流程" in html  # crm
    assert "候选人" in html
    assert ">Talent<" not in html


@pytest.mark.django_db
def test_admin_index_stays_english_by_default(client, recruiter):
    client.force_login(recruiter)
    response = client.get(reverse("admin:index"), headers={"accept-language": "en"})
    html = response.content.decode()
    assert "Talent" in html
    assert "人才库" not in html


# ---------------------------------------------------------------------------
# Every catalogue complete, compiled, and with its placeholders intact


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    """Parse a gettext ``.po`` file: flags, context, msgid(_plural) and msgstr(s) of each entry."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def flush() -> None:
        nonlocal entry, target
        if entry is not None and entry.msgid is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#"):
            if entry is not None and entry.msgstr:
                flush()  # a comment after a msgstr starts the next entry
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside a string"
            kind, index = target
            text = _unquote(line[1:-1])
            if kind == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, kind, getattr(entry, kind) + text)
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot parse {raw!r}"
        keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            flush()  # no blank line between two entries
        if entry is None:
            entry = Entry(line=number)
        entry.obsolete = entry.obsolete or obsolete
        if keyword.startswith("msgstr"):
            key = int(index) if index is not None else 0
            entry.msgstr[key] = text
            target = ("msgstr", key)
        else:
            name = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "msgid_plural"}[keyword]
            setattr(entry, name, text)
            target = (name, None)
    flush()
    return [e for e in entries if not e.obsolete]


def po_files() -> list[Path]:
    found = []
    for path in REPO.rglob("*.po"):
        if not SKIPPED_DIRS.intersection(path.relative_to(REPO).parts):
            found.append(path)
    return sorted(found)


PO_FILES = po_files()
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?([diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def placeholders(text: str, flags: set[str]) -> set[str]:
    found = set()
    if "python-format" in flags:
        found |= {f"%({name}){conv}" if name else f"%{conv}" for name, conv in _PERCENT.findall(text) if conv != "%"}
    if "python-brace-format" in flags:
        found |= {"{" + name + "}" for name in _BRACE.findall(text)}
    return found


def test_the_catalogues_are_found():
    relative = {str(p.relative_to(REPO)) for p in PO_FILES}
    assert {
        "compensation/locale/zh_Hans/LC_MESSAGES/django.po",
        "talent/locale/zh_Hans/LC_MESSAGES/django.po",
        "crm/locale/zh_Hans/LC_MESSAGES/django.po",
        "locale/zh_Hans/LC_MESSAGES/django.po",
    } <= relative


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_catalogue_is_complete_and_compiled(po: Path):
    entries = parse_po(po)
    header = [e for e in entries if e.msgid == "" and e.context is None]
    assert len(header) == 1, f"{po}: no header entry"
    assert "fuzzy" not in header[0].flags, f"{po}: the header is fuzzy"
    messages = [e for e in entries if e is not header[0]]
    assert messages, f"{po}: no messages"

    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in messages
                    if not e.msgstr or any(not text for text in e.msgstr.values())]
    assert not fuzzy, f"{po}: fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, f"{po}: untranslated entries:\n" + "\n".join(untranslated)

    broken = []
    for e in messages:
        for text in e.msgstr.values():
            wanted = placeholders(e.msgid_plural or e.msgid, e.flags)
            if placeholders(text, e.flags) != wanted:
                broken.append(f"line {e.line}: {e.msgid!r} -> {text!r}")
    assert not broken, f"{po}: placeholders differ:\n" + "\n".join(broken)

    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run manage.py compilemessages and commit the .mo"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    stale = []
    for e in messages:
        key = e.msgid if e.context is None else f"{e.context}\x04{e.msgid}"
        if e.msgid_plural is None:
            ok = compiled.get(key) == e.msgstr[0]
        else:
            ok = all(compiled.get((key, n)) == text for n, text in e.msgstr.items())
        if not ok:
            stale.append(f"line {e.line}: {e.msgid!r}")
    assert not stale, f"{mo} does not match {po.name} (recompile):\n" + "\n".join(stale)
