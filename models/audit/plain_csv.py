"""CSV without quotes, cut into cells by numpy on its UTF-8 bytes.

Where a stretch of a file has no quote, no NUL and no carriage return but in
"\\r\\n", the csv module does nothing but cut each line at the delimiter; numpy
does the same on the bytes, and each column is then worked on as a whole: its
distinct values are found by a hash of their bytes (checked byte for byte, so
two values never merge), decoded in one call, and looked up once each; its
timestamps are read straight from the bytes (:func:`.timestamps.parse_shaped`).
No Python string is made per cell: a million rows cost a few hundred ms where
the csv module and a dict lookup per cell cost seconds.

UTF-8 only (the file was decoded strictly before): cutting UTF-8 bytes at ASCII
delimiters gives the same cells as cutting the decoded text.
"""
from __future__ import annotations

import numpy as np

from .timestamps import NAIVE, parse_shaped, shape_of
from .transition_list import Codes

__all__ = ["Fields", "split_lines"]

_NEWLINE = 10
_BASE = np.uint64(0x100000001B3)  # FNV's 64-bit prime: odd, so its powers never vanish mod 2**64
_MIX = np.uint64(0x9E3779B97F4A7C15)
#: cells up to 8 * this many bytes are told apart by their bytes, longer ones by a hash
_MAX_WORDS = 8
#: _MASKS[r]: the low r bytes of a little-endian word
_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2 ** 64 - 1], dtype=np.uint64)


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the first position of each distinct key, each position's group): one sort."""
    order = np.argsort(key)
    ordered = key[order]
    bounds = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    group = np.empty(len(key), dtype=np.int64)
    group[order] = np.cumsum(np.r_[False, ordered[1:] != ordered[:-1]])
    return np.minimum.reduceat(order, bounds), group


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every field, field
    after field, and where each field's run begins in that list."""
    lengths = lengths.astype(np.int64, copy=False)
    runs = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    flat = np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - runs, lengths)
    return flat, runs


class Fields:
    """The cells of one stretch of quote-free CSV (``k`` lines of ``width`` cells), as
    byte offsets into it: ``cuts[i]`` holds the delimiters of line i, which starts at
    ``line_starts[i]`` and ends (its newline, or "\\r\\n") at ``line_ends[i]``.  The start
    and end of each cell of a column are worked out when the column is read."""

    def __init__(self, data: np.ndarray, cuts: np.ndarray, line_starts: np.ndarray, line_ends: np.ndarray):
        self.data = data
        self._cuts = cuts
        self._line_starts = line_starts
        self._line_ends = line_ends
        self.rows, self.width = len(line_ends), cuts.shape[1] + 1
        self._windows: np.ndarray | None = None

    def _column(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends): where each cell of the column starts, and ends (exclusive)."""
        starts = self._line_starts if column == 0 else self._cuts[:, column - 1] + 1
        ends = self._line_ends if column == self.width - 1 else np.ascontiguousarray(self._cuts[:, column])
        return starts, ends

    def empty(self, column: int) -> bool:
        """Whether a cell of this column is empty."""
        starts, ends = self._column(column)
        return bool((ends == starts).any())

    def _joined(self, starts: np.ndarray, lengths: np.ndarray) -> list[str]:
        """The fields decoded, in one call: their bytes joined by newlines."""
        if not len(starts):
            return []
        width = int(lengths.max())
        if 0 < width <= 8 * _MAX_WORDS:  # a padded matrix, its NULs (never in a cell) dropped
            matrix = np.zeros((len(starts), width + 1), dtype=np.uint8)
            matrix[:, :width] = self._bytes(starts, width)
            matrix[np.arange(width + 1) >= lengths[:, None]] = 0
            matrix[:, width] = _NEWLINE
            flat = matrix.reshape(-1)
            texts = flat[flat != 0].tobytes().decode("utf-8").split("\n")
            texts.pop()
            return texts
        lengths = lengths.astype(np.int64)
        out = np.full(int(lengths.sum()) + len(lengths), _NEWLINE, dtype=np.uint8)
        spots = np.cumsum(lengths + 1) - (lengths + 1)
        source, _ = _ranges(starts, lengths)
        target, _ = _ranges(spots, lengths)
        out[target] = self.data[source]
        texts = out.tobytes().decode("utf-8").split("\n")
        texts.pop()
        return texts

    def texts(self, column: int, rows: np.ndarray | None = None) -> list[str]:
        starts, ends = self._column(column)
        if rows is not None:
            starts, ends = starts[rows], ends[rows]
        return self._joined(starts, ends - starts)

    def codes(self, column: int, table: Codes) -> np.ndarray:
        """Each cell's code in *table* (the decoded text as key; new texts added in
        order of first appearance)."""
        starts, ends = self._column(column)
        lengths = ends - starts
        longest = int(lengths.max()) if self.rows else 0
        if longest > 8 * _MAX_WORDS:
            first, inverse = self._groups_by_hash(starts, lengths)
        else:
            first, inverse = self._groups_by_words(starts, lengths, max(1, -(-longest // 8)))
        if first is None:  # two texts with one hash: look each cell up
            return np.fromiter(map(table.__getitem__, self.texts(column)), np.int32, self.rows)
        order = np.argsort(first)  # register new texts in order of first appearance
        texts = self._joined(starts[first[order]], lengths[first[order]])
        global_codes = np.empty(len(first), dtype=np.int32)
        global_codes[order] = table.codes_of(texts)
        return global_codes[inverse]

    def _words(self, starts: np.ndarray, index: int) -> np.ndarray:
        """The 8 bytes from ``starts + 8 * index`` of each cell, as little-endian words (zeros
        past the end of the data)."""
        if self._windows is None:
            data = self.data
            if len(data) < 8:  # (too short for a window: padded)
                data = np.concatenate([data, np.zeros(8, dtype=np.uint8)])
            # every 8-byte window of the data, in place (no padded copy of it)
            self._windows = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
        at = starts + 8 * index
        last = min(len(self._windows), len(self.data)) - 1  # the last window within the data
        beyond = at > last
        if not beyond.any():
            return self._windows[at]
        # a window reaching past the end: the last one, shifted right by the bytes it lacks
        words = self._windows[np.minimum(at, last)]
        lack = np.minimum(at[beyond] - last, 8).astype(np.uint64)
        words[beyond] = np.where(lack < 8, words[beyond] >> (np.uint64(8) * np.minimum(lack, np.uint64(7))), 0)
        return words

    def _bytes(self, starts: np.ndarray, width: int) -> np.ndarray:
        """A matrix of the *width* bytes from each start (read 8 at a time)."""
        count = -(-width // 8)
        if count > _MAX_WORDS:
            return self.data[starts[:, None] + np.arange(width)]
        words = np.empty((len(starts), count), dtype="<u8")
        for j in range(count):
            words[:, j] = self._words(starts, j)
        return words.view(np.uint8)[:, :width]

    def _groups_by_words(self, starts: np.ndarray, lengths: np.ndarray, count: int):
        """(first row, group of each row) of cells up to 8 * count bytes, told apart by
        their bytes read 8 at a time (exact: no cell holds a NUL)."""
        words = [self._words(starts, j) & _MASKS[np.clip(lengths - 8 * j, 0, 8)] for j in range(count)]
        key = words[0]
        for w in words[1:]:
            key = (key ^ w) * _MIX
        first, inverse = _groups(key)
        if count > 1:
            model = first[inverse]
            if not all(np.array_equal(w[model], w) for w in words):
                return None, None
        return first, inverse

    def _groups_by_hash(self, starts: np.ndarray, lengths: np.ndarray):
        """(first row, group of each row) of long cells, told apart by a hash of their
        bytes and then checked byte for byte."""
        flat, runs = _ranges(starts, lengths)
        raw = self.data[flat]
        within = np.arange(len(flat), dtype=np.int64) - np.repeat(runs, lengths)
        powers = np.ones(int(lengths.max()), dtype=np.uint64)
        powers[1:] = np.cumprod(np.full(len(powers) - 1, _BASE, dtype=np.uint64))
        terms = raw.astype(np.uint64) * powers[within]
        full = lengths > 0
        sums = np.zeros(len(lengths), dtype=np.uint64)
        sums[full] = np.add.reduceat(terms, runs[full])
        first, inverse = _groups(sums * _MIX + lengths.astype(np.uint64))
        model = first[inverse]
        if not np.array_equal(lengths[model], lengths) or not np.array_equal(
                self.data[_ranges(starts[model], lengths)[0]], raw):
            return None, None
        return first, inverse

    def moments(self, column: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(wall, offset, done)`` of a timestamp column, as :func:`.timestamps.parse_iso_texts`
        gives them for its cells (``done`` false where the cell's shape is not read here)."""
        starts, ends = self._column(column)
        lengths = ends - starts
        wall = np.zeros(self.rows, dtype=np.int64)
        offset = np.full(self.rows, NAIVE, dtype=np.int64)
        done = np.zeros(self.rows, dtype=bool)
        for width in np.flatnonzero(np.bincount(lengths)).tolist():
            rows = np.flatnonzero(lengths == width)
            if width == 0:
                continue
            samples = self.texts(column, rows[:50])
            shape = next((t for t in samples if shape_of(t)), None)
            if shape is None:
                continue
            w, o, ok = parse_shaped(self._bytes(starts[rows], width), shape)
            wall[rows], offset[rows], done[rows] = w, o, ok
        return wall, offset, done


def split_lines(data: bytes, delimiter: str) -> Fields | None:
    """The cells of quote-free CSV lines (``data`` ends with a newline, or is the end of
    the file; a carriage return only before a newline), if every line has as many
    cells; else None."""
    a = np.frombuffer(data, dtype=np.uint8)
    if not len(a):
        return None
    newlines = np.flatnonzero(a == _NEWLINE)
    if a[-1] != _NEWLINE:
        newlines = np.append(newlines, len(a))
    delimiters = np.flatnonzero(a == ord(delimiter))
    k, cuts = len(newlines), int(np.searchsorted(delimiters, newlines[0]))
    if len(delimiters) != k * cuts:
        return None
    cells = delimiters.reshape(k, cuts)  # line i's delimiters, if each line has `cuts` of them:
    # (positions ascending) so it has iff its first comes after the line before and its last before its end
    if cuts and not ((cells[1:, 0] > newlines[:-1]).all() and (cells[:, -1] < newlines).all()):
        return None
    line_ends = newlines.copy()
    crlf = line_ends[line_ends > 0]
    line_ends[line_ends > 0] -= a[crlf - 1] == 13  # "\r\n" ends a line as "\n" does
    line_starts = np.empty_like(newlines)
    line_starts[0] = 0
    line_starts[1:] = newlines[:-1] + 1
    return Fields(a, cells, line_starts, line_ends)

