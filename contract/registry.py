"""A catalogue of named items, each declared by a decorator on its function: lint rules, review rules and
conformance checks are all registered this way.

The decorator states an item's name, level or family and description beside the code that earns them; what
runs, in what order, and what the reports and ``--help`` list then follow from the declarations alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


Item = TypeVar("Item", bound=Named)


class Registry(Generic[Item]):
    """Items in the order they were declared, each found by its name; declaring a name twice is an error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, Item] = {}

    def add(self, item: Item) -> Item:
        """Register ``item`` and hand it back (so a decorator can return it)."""
        if item.name in self._items:
            raise ValueError(f"two {self.kind}s are named {item.name!r}")
        self._items[item.name] = item
        return item

    def names(self) -> list[str]:
        return list(self._items)

    def __getitem__(self, name: str) -> Item:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)
