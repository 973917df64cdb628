"""Read newsdedup's scraped listing format, so the peers see the same records.

A port of the entry rules of src/reader/listing.rs, kept small: an entry starts
at an outlet line followed by a relative-time line and a non-blank line; then
`- ` tag lines, the title, and the body up to the next entry or page header.
Text outside any entry is kept as a record with a body only. Record ids are
`NAME:LINE` (1-based line of the outlet), as newsdedup names them, so the truth
file of a listing scores both. peers.py checks that every truth id was read.
"""
import re

_UNITS = {"second", "sec", "s", "minute", "min", "m", "hour", "hr", "h", "day", "d", "week", "wk", "w",
          "month", "mo", "year", "yr", "y"}


def _unit(u):
    u = u.rstrip(".")
    if u.endswith("s") and len(u) > 1:
        u = u[:-1]
    return u in _UNITS


def _count(c):
    return c in ("a", "an", "one", "few", "several") or (0 < len(c) <= 4 and c.isascii() and c.isdigit())


def is_relative_time(line):
    words = line.lower().split()
    if words in (["just", "now"], ["now"], ["today"], ["yesterday"]):
        return True
    if not words or words[-1] != "ago":
        return False
    rest = words[:-1]
    if rest and rest[0] in ("about", "around", "over", "almost", "nearly", "less", "more"):
        rest = rest[1:]
    if rest and rest[0] == "than":
        rest = rest[1:]
    if len(rest) == 2:
        return _count(rest[0]) and _unit(rest[1])
    if len(rest) == 3 and rest[:2] == ["a", "few"]:
        return _unit(rest[2])
    if len(rest) == 1:
        m = re.match(r"[0-9]{1,4}", rest[0])
        return bool(m) and _unit(rest[0][m.end():])
    return False


def _is_tag(t):
    return t.startswith("-") and t[1:].strip() != "" and not t[1:].startswith("-")


def _is_outlet(line):
    t = line.strip()
    return t != "" and not _is_tag(t) and len(t.split()) <= 8 and not t.endswith(
        (".", "!", "?", ",", ";", ":", '"', "\u201d"))


def _entry_start(lines, i):
    return (_is_outlet(lines[i]) and i + 2 < len(lines) and is_relative_time(lines[i + 1])
            and lines[i + 2].strip() != "")


def _is_header(lines, i):
    t = lines[i].strip()
    last = t.split()[-1] if t.split() else ""
    ends_in_tag = len(last) > 1 and last.startswith("#")
    latest = len(t) <= 120 and t.lower().startswith("latest news") and ends_in_tag
    lone = (ends_in_tag and len(t.split()) == 1 and (i == 0 or not lines[i - 1].strip())
            and i + 1 < len(lines) and not lines[i + 1].strip())
    if not (latest or lone):
        return False
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j == len(lines) or _entry_start(lines, j)


def _boundary(lines, i):
    return _entry_start(lines, i) or _is_header(lines, i)


def _body(lines):
    return "\n".join(l.rstrip() for l in lines).strip("\n")


def read_listing(path, name):
    """Records {id, source, title, body} of the listing file at `path`, ids named `name:LINE`."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [l.rstrip("\r\n") for l in f]
    docs, i = [], 0
    while i < len(lines):
        if not lines[i].strip() or _is_header(lines, i):
            i += 1
            continue
        doc = {"id": f"{name}:{i + 1}", "source": "", "title": "", "body": ""}
        if not _entry_start(lines, i):
            start = i
            while i < len(lines) and not _boundary(lines, i):
                i += 1
            doc["body"] = _body(lines[start:i])
            docs.append(doc)
            continue
        doc["source"] = lines[i].strip()
        i += 2
        while i < len(lines) and _is_tag(lines[i].strip()):
            i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i < len(lines) and not _boundary(lines, i):
            doc["title"] = lines[i].strip()
            i += 1
        start = i
        while i < len(lines) and not _boundary(lines, i):
            i += 1
        doc["body"] = _body(lines[start:i])
        docs.append(doc)
    return docs
