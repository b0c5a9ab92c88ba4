"""The fixture keys of a running mock, found by project, plan or label (``GET /__mock/keys`` lists them)."""

from __future__ import annotations


class Keys:
    """A key listing (``project_id``, ``plan``, ``label``, ``key``, ...), looked up the ways tests ask."""

    def __init__(self, listing: list[dict[str, str]]) -> None:
        self.listing = listing

    def get(self, project_id: str, label: str) -> str:
        for key in self.listing:
            if key["project_id"] == project_id and key["label"] == label:
                return key["key"]
        raise KeyError((project_id, label))

    def of_plan(self, plan: str, label: str = "standard") -> tuple[str, str]:
        """``(project_id, key)`` of the first project on ``plan``."""
        for key in self.listing:
            if key["plan"] == plan and key["label"] == label:
                return key["project_id"], key["key"]
        raise KeyError((plan, label))

    def labelled(self, label: str) -> str:
        """The key labelled ``label`` (for fixtures whose labels are unique)."""
        for key in self.listing:
            if key["label"] == label:
                return key["key"]
        raise KeyError(label)
