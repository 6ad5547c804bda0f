"""Text layout without Qt (explorer.core.layout.text): the offset map between Python offsets (code points) and
Qt document positions (UTF-16 code units, "\\r\\n" as one separator), highlight segments, eliding and
wrapping with a fake width function, excerpts and quote context. Only explorer.core is imported."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from explorer.core.layout.text import (
    CURRENT,
    ELLIPSIS,
    PASSAGE,
    SEARCH,
    OffsetMap,
    elide_right,
    excerpt,
    highlight_segments,
    passage_ranges,
    quote_context,
    wrap_lines,
)

EMOJI = "😀"  # U+1F600, two UTF-16 code units
EXT_B = "𠀀"  # U+20000, CJK extension B
EXT_B2 = "𪚥"  # U+2A6A5


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# =========================================================================================================
# offset map
# =========================================================================================================
def test_bmp_text_is_the_identity():
    m = OffsetMap("Li Wei 李伟 argues, café.\nNext line")
    assert m.identity
    assert [m.to_qt(i) for i in range(5)] == list(range(5))
    assert m.to_py(17) == 17


def test_astral_characters_take_two_positions():
    text = f"a{EMOJI}b{EXT_B}c"
    m = OffsetMap(text)
    assert not m.identity
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    assert [m.to_py(p) for p in range(8)] == [0, 1, 1, 2, 3, 3, 4, 5]  # a low surrogate maps to its character
    assert m.to_qt(len(text)) == utf16_len(text)


@pytest.mark.parametrize("seed", range(6))
def test_round_trips_on_random_crlf_free_texts(seed):
    rng = random.Random(seed)
    alphabet = ["a", "Z", " ", "\n", "é", "李", "伟", "\u0301", EMOJI, EXT_B, EXT_B2, "🌉", "\t", "…"]
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        q = m.to_qt(i)
        assert q == utf16_len(text[:i])  # what Qt counts, for a text without "\r\n"
        assert m.to_py(q) == i
    assert m.identity == (utf16_len(text) == len(text))


def test_offsets_are_clamped_to_the_text():
    text = f"{EMOJI}x"
    m = OffsetMap(text)
    assert m.to_qt(-3) == 0
    assert m.to_qt(99) == utf16_len(text)
    assert m.to_py(-1) == 0
    assert m.to_py(99) == len(text)


def test_crlf_is_one_position():
    text = f"ab\r\n{EMOJI}c\r\nd"
    m = OffsetMap(text)
    # a b \r (\n: 0) 😀 (2) c \r (\n: 0) d
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 2, 3, 3, 5, 6, 7, 7, 8]
    # every character but the "\n" of a "\r\n" comes back to itself
    for i, ch in enumerate(text):
        if not (ch == "\n" and text[i - 1] == "\r"):
            assert m.to_py(m.to_qt(i)) == i
    assert m.to_py(3) == 4  # the position after the separator is the next character


def test_empty_text():
    m = OffsetMap("")
    assert m.identity and m.to_qt(0) == 0 and m.to_py(0) == 0


# =========================================================================================================
# highlight segments
# =========================================================================================================
@dataclass(frozen=True, eq=False)
class P:
    document: str
    start: int
    end: int


def test_highlight_segments_in_painting_order():
    a, b, c, other = P("d", 10, 20), P("d", 0, 5), P("d", 30, 40), P("e", 1, 2)
    segs = highlight_segments([a, b, c, other], "d", current=b, search_ranges=[(7, 9)])
    assert segs == [(10, 20, PASSAGE), (30, 40, PASSAGE), (0, 5, CURRENT), (7, 9, SEARCH)]
    # the current passage elsewhere: nothing strong here
    assert highlight_segments([a, other], "d", current=other) == [(10, 20, PASSAGE)]
    # a passage equal to the current one but not it is still a normal highlight
    twin = P("d", 0, 5)
    assert highlight_segments([twin, b], "d", current=b) == [(0, 5, PASSAGE), (0, 5, CURRENT)]
    assert highlight_segments([], None) == []


def test_passage_ranges_sorted_without_duplicates():
    assert passage_ranges([P("d", 5, 9), P("d", 1, 3), P("d", 5, 9)]) == [(1, 3), (5, 9)]


# =========================================================================================================
# eliding and wrapping
# =========================================================================================================
def w6(text: str) -> float:
    return 6.0 * len(text)


def test_elide_right():
    assert elide_right("Hello world", 66, w6) == "Hello world"
    assert elide_right("Hello world", 65, w6) == "Hello wor" + ELLIPSIS
    assert elide_right("Hello world", 6, w6) == ELLIPSIS
    assert elide_right("Hello world", 5, w6) == ""
    for avail in range(0, 80):
        out = elide_right("Hello world", avail, w6)
        assert w6(out) <= avail
        assert out in ("", "Hello world") or ("Hello world".startswith(out[:-1]) and out.endswith(ELLIPSIS))


def test_wrap_lines():
    assert wrap_lines("Short", 100, 2, w6) == ["Short"]
    assert wrap_lines("Science and technology", 70, 2, w6) == ["Science and", "technology"]
    assert wrap_lines("Science and technology", 70, 1, w6) == ["Science an…"]
    assert wrap_lines("Culture and education", 80, 3, w6) == ["Culture and", "education"]
    # the last line takes the rest of the words, elided
    lines = wrap_lines("one two three four five six", 50, 2, w6)
    assert lines == ["one two", "three f…"] and all(w6(line) <= 50 for line in lines)
    # a word longer than the line stays on its own line, elided
    assert wrap_lines("Supercalifragilistic and more", 60, 2, w6) == ["Supercali…", "and more"]
    # the caller's eliding is used
    assert wrap_lines("Long name here", 40, 1, w6, lambda t, w: "E") == ["E"]


def test_excerpt_and_quote_context():
    assert excerpt("  many   spaces\nand lines ", 100) == "many spaces and lines"
    assert excerpt("a" * 10 + " " + "b" * 10, 12) == "a" * 10 + ELLIPSIS
    assert len(excerpt("x" * 500, 150)) == 150
    text = "Before the quote. " * 10 + "THE QUOTE" + " after it." * 10
    start = text.index("THE QUOTE")
    before, after = quote_context(text, start, start + len("THE QUOTE"))
    assert before.startswith(ELLIPSIS) and len(before) == 71 and before.endswith("quote.")
    assert after.endswith(ELLIPSIS) and len(after) == 71 and after.startswith("after it.")
    assert quote_context("QUOTE", 0, 5) == ("", "")
    assert quote_context("  \n QUOTE \n", 4, 9) == ("", "")
