"""Timestamps by the column (numpy): ISO 8601 text to moments and back, and naive
moments placed in a time zone, exactly as :func:`datetime.fromisoformat`,
:func:`.dates.aware` and :meth:`datetime.isoformat` do one value at a time.

A moment is two integers: its wall-clock time (microseconds since 1970-01-01 as
written, offset aside) and its UTC offset in seconds, or :data:`NAIVE` when the
text has none.  Only the usual shapes are read by the column (``YYYY-MM-DD``,
then ``T`` or a space and ``HH:MM``, ``:SS``, ``.f`` to ``.ffffff``, then ``Z`` or
``±HH:MM``); every other value is left to the caller (``done`` false), which
reads it with Python and so keeps Python's rules for the rare shapes.
Imported only when a log is read, stored or analysed (numpy is heavy).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable, Sequence

import numpy as np

__all__ = ["NAIVE", "EPOCH", "US", "parse_iso_texts", "parse_shaped", "shape_of", "place_naive", "iso_texts",
           "wall_us", "moment"]

#: the offset of a moment written without one
NAIVE = np.iinfo(np.int32).min
EPOCH = datetime(1970, 1, 1)
US = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000

_SHAPE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)?)?\Z")
_DIGIT = frozenset("0123456789")


def wall_us(dt: datetime) -> int:
    """The wall-clock time of *dt* (its zone ignored) in microseconds since 1970."""
    return (dt.replace(tzinfo=None) - EPOCH) // US


def moment(wall: int, zone: tzinfo | None) -> datetime:
    """The datetime of a wall-clock time in microseconds, in *zone* (None: naive)."""
    dt = EPOCH + timedelta(microseconds=wall)
    return dt if zone is None else dt.replace(tzinfo=zone)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _month_days(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=m.dtype)[m.clip(0, 12)]
    return days + ((m == 2) & leap)


def _parse_shape(texts: Sequence[str], shape: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(wall, offset, ok) of texts all as long as *shape*, each read as *shape* is laid out."""
    raw = np.frombuffer("".join(texts).encode("ascii", "replace"), dtype=np.uint8).reshape(-1, len(shape))
    return parse_shaped(raw, shape)


def shape_of(text: str) -> bool:
    """Whether *text* has a shape read by the column."""
    return _SHAPE.match(text) is not None


def _digits(a: np.ndarray, start: int, width: int) -> np.ndarray:
    """The number written by the rows ``start .. start + width - 1`` of *a* (digits by
    position, one text a column), as int32: any bytes fit (at most 6 of them, each < 256)."""
    out = a[start].astype(np.int32)
    for k in range(start + 1, start + width):
        out *= 10
        out += a[k]
    return out


def parse_shaped(raw: np.ndarray, shape: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(wall, offset, ok) of the rows of a byte matrix (one text a row, as long as
    *shape*, a text in a shape read here), each read as *shape* is laid out.

    The matrix is turned so that each position's bytes lie together, and the parts of
    the date and time are worked out in int32 (what they hold fits): half the memory
    of int64, and the same values, then the moment in int64."""
    width, n = len(shape), len(raw)
    t = np.ascontiguousarray(raw.T)  # t[k]: the k-th byte of every text
    a = t - np.uint8(48)  # digits 0..9, anything else above (uint8 wraps)
    digits = [k for k, ch in enumerate(shape) if ch in _DIGIT]
    ok = a[digits].max(axis=0) <= 9 if digits else np.ones(n, dtype=bool)
    for k, ch in enumerate(shape):
        if ch in _DIGIT:
            continue
        if k == 10:  # the date-time separator: either
            ok &= (t[k] == ord("T")) | (t[k] == ord(" "))
        elif ch in "+-" and k > 10:  # the offset's sign
            ok &= (t[k] == ord("+")) | (t[k] == ord("-"))
        else:
            ok &= t[k] == ord(ch)
    zero = np.zeros(n, dtype=np.int32)
    year, month, day = _digits(a, 0, 4), _digits(a, 5, 2), _digits(a, 8, 2)
    hour = minute = second = zero
    fraction = None
    pos = 10
    if width > 10:
        hour, minute, pos = _digits(a, 11, 2), _digits(a, 14, 2), 16
        if shape[16:17] == ":":
            second, pos = _digits(a, 17, 2), 19
            if shape[19:20] == ".":
                pos = 20
                while pos < width and shape[pos] in _DIGIT:
                    pos += 1
                fraction = _digits(a, 20, pos - 20) * 10 ** (6 - (pos - 20))
    zone = shape[pos:]
    if zone == "Z":
        offset = np.zeros(n, dtype=np.int64)
    elif zone:
        oh, om = _digits(a, pos + 1, 2), _digits(a, pos + 4, 2)
        ok &= (oh <= 23) & (om <= 59)
        offset = (oh * 3600 + om * 60).astype(np.int64)
        np.negative(offset, out=offset, where=t[pos] == ord("-"))
    else:
        offset = np.full(n, NAIVE, np.int64)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= _month_days(year, month))
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    wall = _days_from_civil(year, month, day).astype(np.int64)
    wall *= 86400
    wall += hour * 3600 + minute * 60 + second  # (int32: under 10**7)
    wall *= 1_000_000
    if fraction is not None:
        wall += fraction
    return wall, offset, ok


def parse_iso_texts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(wall, offset, done)`` of ISO 8601 texts (already stripped): ``done[i]``
    false where the text is not in a shape read here (the caller reads those)."""
    n = len(texts)
    wall = np.zeros(n, dtype=np.int64)
    offset = np.full(n, NAIVE, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    if not n:
        return wall, offset, done
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    widths = np.flatnonzero(np.bincount(lengths))  # (np.unique would import numpy.ma: 20 ms)
    for width in widths.tolist():
        rows = np.flatnonzero(lengths == width) if len(widths) > 1 else np.arange(n)
        shape = texts[int(rows[0])]
        if not _SHAPE.match(shape):
            # another value of this length may have a shape read here
            shape = next((texts[i] for i in rows[:50].tolist() if _SHAPE.match(texts[i])), None)
            if shape is None:
                continue
        subset = texts if len(rows) == n else [texts[i] for i in rows.tolist()]
        w, o, ok = _parse_shape(subset, shape)
        wall[rows], offset[rows], done[rows] = w, o, ok
    return wall, offset, done


def place_naive(wall: np.ndarray, tz: tzinfo | None, aware: Callable[[datetime, tzinfo | None], datetime]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tzinfo]]:
    """Naive wall-clock times placed as ``aware(dt, tz)`` places each: ``(wall, offset
    seconds, zone index)`` with the zones in the returned list.  Within an hour whose
    two ends have the same offset and zone, every time has them (zones change at most
    once an hour); other hours are placed one value at a time."""
    n = len(wall)
    out_wall = wall.copy()
    offset = np.zeros(n, dtype=np.int64)
    zone = np.zeros(n, dtype=np.int16)
    zones: list[tzinfo] = []
    keys: dict[tuple, int] = {}

    def code(z: tzinfo) -> int:
        key = (z, repr(z))
        k = keys.get(key)
        if k is None:
            k = keys[key] = len(zones)
            zones.append(z)
        return k

    if isinstance(tz, timezone):  # one fixed offset
        offset[:] = tz.utcoffset(None) // timedelta(seconds=1)
        zones.append(tz)
        return out_wall, offset, zone, zones
    hours = np.floor_divide(wall, _HOUR_US)
    starts, inverse = np.unique(hours, return_inverse=True)
    uniform_off = np.zeros(len(starts), dtype=np.int64)
    uniform_zone = np.full(len(starts), -1, dtype=np.int64)
    for k, h in enumerate(starts.tolist()):
        first, last = moment(h * _HOUR_US, None), moment(h * _HOUR_US + _HOUR_US - 1, None)
        a, b = aware(first, tz), aware(last, tz)
        if (a.utcoffset() == b.utcoffset() and a.tzinfo == b.tzinfo and repr(a.tzinfo) == repr(b.tzinfo)
                and a.replace(tzinfo=None) == first and b.replace(tzinfo=None) == last
                and a.utcoffset() % timedelta(seconds=1) == timedelta(0)):
            uniform_off[k] = a.utcoffset() // timedelta(seconds=1)
            uniform_zone[k] = code(a.tzinfo)
    offset[:] = uniform_off[inverse]
    zone[:] = np.maximum(uniform_zone[inverse], 0)
    for i in np.flatnonzero(uniform_zone[inverse] < 0).tolist():
        a = aware(moment(int(wall[i]), None), tz)
        out_wall[i] = wall_us(a)
        offset[i] = a.utcoffset() // timedelta(seconds=1)
        zone[i] = code(a.tzinfo)
    return out_wall, offset, zone, zones


def _offset_text(offset_us: int) -> str:
    return datetime(2000, 1, 1, tzinfo=timezone(timedelta(microseconds=offset_us))).isoformat()[19:]


def iso_texts(wall: np.ndarray, offset_us: np.ndarray) -> list[str]:
    """``datetime.isoformat()`` of each moment: wall-clock and UTC offset in
    microseconds (int64 min for a naive moment)."""
    if not len(wall):
        return []
    stamps = wall.astype("datetime64[us]")
    whole = wall % 1_000_000 == 0
    text = np.where(whole, np.datetime_as_string(stamps, unit="s"), np.datetime_as_string(stamps, unit="us"))
    kinds, inverse = np.unique(offset_us, return_inverse=True)
    naive = np.iinfo(np.int64).min
    suffix = np.array(["" if o == naive else _offset_text(o) for o in kinds.tolist()])[inverse.reshape(-1)]
    return np.char.add(text, suffix).tolist()
