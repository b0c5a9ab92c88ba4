"""The data store backends, one per file, chosen by :func:`mockserver.store.open_store` from a URI."""
