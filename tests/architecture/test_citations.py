"""Every AWS rule the code cites is described in the repository's own docs/aws-rules.md.

The code cites rules as ``rule A.6`` (a section) or ``checklist G.12`` (an item of section G).
A clone alone must be able to follow every citation, so each id must exist there.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "aws-rules.md"
_ID = r"[A-FHKL]\.\d+"
CITATION = re.compile(rf"\b[Rr]ules?\s+((?:{_ID}(?:\s*-\s*{_ID})?(?:,\s*|\s+and\s+)?)+)")
RULE_ID = re.compile(_ID)
CHECKLIST = re.compile(r"\bchecklist\s+((?:G\.\d+(?:-G\.\d+)?(?:,\s*)?)+)")


def _sections() -> set[str]:
    return set(re.findall(r"^## ([A-FHKL]\.\d+) ", RULES.read_text(), flags=re.MULTILINE))


def _checklist_items() -> set[int]:
    text = RULES.read_text()
    section = text[text.index("## G ") :]
    section = section[: section.index("\n## ", 1)]
    return {int(n) for n in re.findall(r"^(\d+)\. ", section, flags=re.MULTILINE)}


def _cited() -> dict[str, set[str]]:
    """Rule ids cited in src/ and docs/ (the tutorials and how-to pages too), by citing file."""
    found: dict[str, set[str]] = {}
    docs = [p for p in sorted((ROOT / "docs").rglob("*.md")) if "_build" not in p.parts]
    paths = [*sorted((ROOT / "src").rglob("*.py")), *docs]
    for path in paths:
        if path == RULES:
            continue
        for match in CITATION.finditer(path.read_text()):
            ids = set(RULE_ID.findall(match[1]))
            found.setdefault(str(path.relative_to(ROOT)), set()).update(ids)
    return found


def test_every_cited_rule_has_a_section() -> None:
    """Each ``rule X.N`` cited in src/ or docs/ names a ``## X.N`` heading of aws-rules.md."""
    sections = _sections()
    cited = _cited()
    missing = {f"{where}: {rule}" for where, ids in cited.items() for rule in ids}
    missing = {entry for entry in missing if entry.rsplit(" ", 1)[1] not in sections}
    assert sorted(missing) == []


def test_every_cited_checklist_item_exists() -> None:
    """Each ``checklist G.n`` cited in src/ names an item of the checklist in section G."""
    items = _checklist_items()
    missing = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for match in CHECKLIST.finditer(path.read_text()):
            for part in re.findall(r"G\.(\d+)(?:-G\.(\d+))?", match[1]):
                first, last = int(part[0]), int(part[1] or part[0])
                missing += [f"{path.name}: G.{n}" for n in range(first, last + 1) if n not in items]
    assert missing == []


def test_the_citation_finder_finds_citations() -> None:
    """The checker itself: a citation, a range and a checklist item are all recognised."""
    assert RULE_ID.findall(CITATION.search("see rule D.4 here")[1]) == ["D.4"]  # type: ignore[index]
    found = CITATION.search("(rule A.2-A.9, C.4 and F.13)")
    assert found is not None
    assert RULE_ID.findall(found[1]) == ["A.2", "A.9", "C.4", "F.13"]
    assert CHECKLIST.search("checklist G.1-G.5") is not None
    assert {"A.1", "D.12", "F.17", "K.1", "K.15", "L.1"} <= _sections()
    kinesis = CITATION.search("(rule K.5-K.7 and K.12)")
    assert kinesis is not None
    assert RULE_ID.findall(kinesis[1]) == ["K.5", "K.7", "K.12"]
