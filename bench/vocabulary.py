"""The words of the synthetic corpus: real English first, a generated long tail after.

Real text follows Zipf's law (the word of rank r appears about 1/r as often as the commonest),
and PostgreSQL's costs follow it too: a GIN posting list is as long as its word is common. So
the vocabulary is ranked: the words of ``words.txt`` (real parliamentary English, commonest
first) take the top ranks, and made-up words of English-like syllables fill a tail long enough
for a million documents to have the rare words real archives have.

Words the benchmark plants at known rates (``government``, ``modern slavery`` …) are taken out
of the vocabulary, with every spelling that stems to the same lexeme, so the only rows that
match them are the rows they were planted in.
"""

from __future__ import annotations

import random
import sys
from array import array
from functools import cached_property
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("words.txt")

# Zipf-Mandelbrot: weight 1 / (rank + SHIFT) ** EXPONENT. The shift flattens the head so
# "the" takes ~6% of tokens, as in English, instead of the ~9% a pure Zipf law gives.
ZIPF_EXPONENT = 1.0
ZIPF_SHIFT = 2.7
GENERATED_WORDS = 60_000
TABLE_BITS = 20
# A draw is the low TABLE_BITS (17 to 24) of four random bytes, masked by byte slices so that
# no Python code runs per word: this keeps the bits of the third byte that are used.
_THIRD_BYTE = bytes(byte & ((1 << (TABLE_BITS - 16)) - 1) for byte in range(256))

_ONSETS = [
    *("b", "bl", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h"),
    *("j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sl", "sp", "st"),
    *("str", "t", "th", "tr", "v", "w", "wh"),
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oa", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "nt", "st", "ck", "ng", "rd"]


def is_blocked(word: str, prefixes: tuple[str, ...], exact: frozenset[str]) -> bool:
    return word in exact or word.startswith(prefixes)


class Vocabulary:
    """Ranked words with a Zipf sampler; the same words in the same order on every machine."""

    def __init__(self, blocked_prefixes: tuple[str, ...], blocked_words: frozenset[str]) -> None:
        real = [
            line.strip()
            for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        real = [w for w in real if not is_blocked(w, blocked_prefixes, blocked_words)]
        self.real_count = len(real)
        self.words: list[str] = real + _generated_words(
            GENERATED_WORDS, set(real), blocked_prefixes, blocked_words
        )

    @cached_property
    def table(self) -> list[str]:
        """2**TABLE_BITS slots, each word in a number of them proportional to its weight.

        A draw is then one index, several times faster than the bisect of ``random.choices``,
        which matters at hundreds of millions of words. Every word keeps at least one slot, so the
        tail is still drawn, at a rate within one slot of its own.
        """
        size = 1 << TABLE_BITS
        weights = [1.0 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT for rank in range(len(self.words))]
        scale = size / sum(weights)
        slots = [max(1, int(w * scale)) for w in weights]
        # The head absorbs the rounding, where one slot more or less changes nothing.
        slots[0] += size - sum(slots)
        return [word for word, n in zip(self.words, slots, strict=True) for _ in range(n)]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        """``k`` words drawn with replacement, in one call into the random stream.

        Most of a draw's time is the table's memory (a random slot of 8 MB is a cache miss),
        so the rest is kept out of Python: the indices are cut from random bytes by slices.
        """
        draws = bytearray(rng.randbytes(4 * k))
        draws[2::4] = draws[2::4].translate(_THIRD_BYTE)
        draws[3::4] = bytes(k)
        indices = array("I", draws)
        # The bytes are read little-endian everywhere, so a seed gives the same words on any
        # machine.
        if sys.byteorder == "big":
            indices.byteswap()
        return list(map(self.table.__getitem__, indices))


def _generated_words(
    count: int, taken: set[str], prefixes: tuple[str, ...], exact: frozenset[str]
) -> list[str]:
    # A fixed seed: the tail is part of the vocabulary, not of a corpus's randomness.
    rng = random.Random("bench-vocabulary")
    syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        word = "".join(rng.choices(syllables, k=rng.choice((2, 2, 2, 3))))
        if word in seen or is_blocked(word, prefixes, exact):
            continue
        seen.add(word)
        words.append(word)
    return words
