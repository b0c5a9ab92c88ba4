"""Ids of stored documents: random lower-case letters and digits, drawn from a seeded generator."""

from __future__ import annotations

import random

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ID_LENGTH = 10
_ID_PAIRS = tuple(a + b for a in ID_ALPHABET for b in ID_ALPHABET)


def random_id(rng: random.Random, length: int = ID_LENGTH) -> str:
    """``length`` characters of :data:`ID_ALPHABET` from one draw of ``rng`` (an even ``length``).

    Two characters per table lookup: a per-character ``choice`` costs several times more, on every create
    and on every seeded document.
    """
    number = rng.getrandbits(6 * length)
    pairs = []
    for _ in range(length // 2):
        number, pair = divmod(number, 1296)
        pairs.append(_ID_PAIRS[pair])
    return "".join(pairs)
