"""Git repositories and pinned versions for the review tests: a throwaway repository's commands, a copy's
versions set to known ones."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pin_v1_version(folder: Path, version: str = "1.0.0", internal: str = "0.1.0") -> None:
    """Give the copied documents known versions, so tests about bumps do not follow the real contract's."""
    for name, pinned in (("v1", version), ("internal", internal)):
        path = folder / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^(  version: ).*$", rf"\g<1>{pinned}", text, count=1), encoding="utf-8")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-C", str(repo), *args],
        check=True,
        capture_output=True,
    )
