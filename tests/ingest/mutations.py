"""Hypothesis strategies that damage a document the way transfers and disks do."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` truncated, with up to eight bytes overwritten, or with a slice removed."""
    how = draw(st.sampled_from(["truncate", "flip", "cut"]))
    position = draw(st.integers(0, len(data)))
    if how == "truncate":
        return data[:position]
    if how == "flip":
        flips = draw(
            st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=8)
        )
        mutable = bytearray(data)
        for index, value in flips:
            mutable[index] = value
        return bytes(mutable)
    length = draw(st.integers(1, 200))
    return data[:position] + data[position + length :]
