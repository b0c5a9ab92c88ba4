"""The store a URI names: ``memory://``, ``sqlite:///path.db`` or ``redis://host:port/db``, like `limits`' storages."""

from __future__ import annotations

from mockserver.stores.base import Dataset, Presenter, Store, StoreError


def scheme_of(uri: str) -> str:
    return uri.split("://", 1)[0].lower() if "://" in uri else uri.lower()


def open_store(uri: str, dataset: Dataset, *, seed: int = 0, present: Presenter | None = None,
               max_created: int | None = None) -> Store:
    """The backend named by ``uri`` (``memory://``, ``sqlite:///path.db``, ``redis://host:port/db``), keeping
    at most ``max_created`` created documents per project and kind (``None``: no cap).

    A shared backend is seeded on first use and keeps what was created since; it refuses a file or
    database seeded from another fixture or seed rather than mixing the two. A backend is imported only when
    named: redis-py alone takes tens of milliseconds to import, and a memory store needs none of it.
    """
    scheme = scheme_of(uri)
    if scheme == "memory":
        from mockserver.stores.memory import MemoryStore

        return MemoryStore(dataset, seed=seed, present=present, max_created=max_created)
    if scheme == "sqlite":
        from mockserver.stores.sqlite import SQLiteStore

        return SQLiteStore(uri, dataset, present=present, max_created=max_created)
    if scheme in ("redis", "rediss"):
        from mockserver.stores.redis import RedisStore

        return RedisStore(uri, dataset, present=present, max_created=max_created)
    raise StoreError(f"state {uri!r}: unknown store (use memory://, sqlite:///path/mock.db or "
                     "redis://host:port/0)")


def is_shared(uri: str) -> bool:
    """Whether several worker processes see the same data through this store."""
    return scheme_of(uri) != "memory"
