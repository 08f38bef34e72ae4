"""Every file a page of docs/ names exists: a path in backticks under one of the project's folders,
and every relative link. A renamed or deleted file cannot leave the docs pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

FOLDERS = ("models/", "macros/", "seeds/", "src/", "scripts/", "tests/", "docs/", "examples/", "data-tests/",
           "pricing/", ".ci/")
PATTERN = re.compile(r"[*<>{}$]")  # a glob or a placeholder (models/<folder>/...), not one file


def named_paths(doc: Path) -> list[tuple[str, Path]]:
    """(as written, the file it means) for each path ``doc`` names."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for written in re.findall(r"`([^`\s]+)`", text):
        path = written.split("::")[0].rstrip(".,:;")  # tests/test_x.py::test_name is the file
        if path.startswith(FOLDERS) and not PATTERN.search(path):
            found.append((written, REPO / path))
    for link in re.findall(r"\]\(([^)#\s]+)", text):
        if "://" not in link and not link.startswith("mailto:"):
            found.append((link, (doc.parent / link)))
    return found


def test_every_path_named_in_docs_exists() -> None:
    missing = [f"{doc.relative_to(REPO)}: {written}" for doc in sorted((REPO / "docs").glob("*.md"))
               for written, path in named_paths(doc) if not path.exists()]
    assert not missing, "docs name files that do not exist:\n  " + "\n  ".join(missing)


def test_the_check_finds_a_missing_path(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "x.md"
    doc.parent.mkdir()
    doc.write_text("See `models/marts/_marts__semantic.yml`, `src/bedrock_costs/cli.py`, `models/<folder>/x.sql`,\n"
                   "[the guide](analyst-guide.md) and [gone](gone.md).\n")
    names = {written: path.exists() for written, path in named_paths(doc)}
    assert names == {"models/marts/_marts__semantic.yml": False, "src/bedrock_costs/cli.py": True,
                     "analyst-guide.md": False, "gone.md": False}
