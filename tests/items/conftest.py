"""Fixtures of the items tests: the dataset mirror (a real server process on 127.0.0.1)."""

from tests.items.mirror_fixture import mirror

__all__ = ["mirror"]
