"""Reading timestamps: ISO 8601 first, else one unambiguous common format."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, Iterable, Sequence

__all__ = ["COMMON_DATE_FORMATS", "ISO_NAMES", "parse_iso", "aware", "detect_date_formats",
           "best_formats", "choose_format", "looks_like_dates"]

#: What a user may type to ask for ISO 8601.
ISO_NAMES = {"iso", "iso8601", "iso 8601", "iso-8601"}
SAMPLE_ROWS = 500

_DATE_PARTS = (
    "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
    "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y-%m-%d", "%Y.%m.%d",
    "%d/%b/%y", "%d/%b/%Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%b %d %Y", "%b %d, %Y",
)
_TIME_PARTS = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p")
#: strptime formats tried when the timestamps are not ISO 8601.
COMMON_DATE_FORMATS: tuple[str, ...] = tuple(d + t for d in _DATE_PARTS for t in _TIME_PARTS)


def parse_iso(s: str) -> datetime | None:
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    if s.endswith((" UTC", " GMT")):
        try:
            return datetime.fromisoformat(s[:-4] + "+00:00")
        except ValueError:
            pass
    return None


def _parses(s: str, fmt: str) -> bool:
    try:
        datetime.strptime(s, fmt)
    except ValueError:
        return False
    return True


def detect_date_formats(values: Iterable[Any]) -> tuple[str, ...]:
    """Candidate strptime formats for sampled timestamp values.

    Non-text values (e.g. real Excel dates) and empty ones are ignored, as
    are values that already parse as ISO 8601.  Returns ``()`` when every text
    value is ISO 8601 (or there is none) and also when no known format fits;
    several formats when the sample is ambiguous.
    """
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    rest = [v for v in texts if parse_iso(v) is None][:SAMPLE_ROWS]
    if not rest:
        return ()
    return tuple(f for f in COMMON_DATE_FORMATS if all(_parses(v, f) for v in rest))


def looks_like_dates(values: Iterable[Any]) -> bool:
    """True if the sampled cells are dates: real date cells, ISO 8601 or one
    common format (a few typos tolerated); False for no values at all."""
    texts: list[str] = []
    seen = False
    for v in values:
        if isinstance(v, (datetime, date)):
            seen = True
        elif isinstance(v, str) and v.strip():
            seen = True
            if parse_iso(v.strip()) is None:
                texts.append(v.strip())
    if not seen:
        return False
    return not texts or bool(choose_format(texts[:200])[2])


def aware(dt: datetime, tz: tzinfo | None) -> datetime:
    """*dt* with a zone: its own, else *tz*, else the computer's (the offset
    valid at that date)."""
    if dt.tzinfo is not None:
        return dt
    if tz is None:
        try:
            return dt.astimezone()
        except (OverflowError, OSError, ValueError):
            return dt.replace(tzinfo=datetime.now().astimezone().tzinfo)
    localize = getattr(tz, "localize", None)  # pytz-style zones
    if localize is not None:
        return localize(dt)
    return dt.replace(tzinfo=tz)


def best_formats(texts: Sequence[str]) -> list[str]:
    """The common formats that read the most of the first 200 *texts*,
    tolerating up to 10 % bad values (at least one, so one typo does not hide
    the format); none when no format reads at least half of them."""
    sample = texts[:200]
    limit = min(max(1, len(sample) // 10), len(sample) // 2)
    scored: list[tuple[int, str]] = []
    for f in COMMON_DATE_FORMATS:
        fails = 0
        for v in sample:
            if not _parses(v, f):
                fails += 1
                if fails > limit:
                    break
        if fails <= limit:
            scored.append((fails, f))
    if not scored:
        return []
    best = min(n for n, _ in scored)
    return [f for n, f in scored if n == best]


def choose_format(texts: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """Pick the strptime format for non-ISO timestamps.

    The best formats on a sample (:func:`best_formats`) are checked on every
    value.  Returns ``(format, None, candidates)``; ``(None, None, [])`` if
    nothing fits; ``(None, example_value, candidates)`` when several formats
    fit but read some value differently (e.g. ``%d/%m`` vs ``%m/%d``).
    """
    cands = best_formats(texts)
    if not cands:
        return None, None, []
    if len(cands) == 1:
        return cands[0], None, cands
    parsed: dict[str, list[datetime | None]] = {}
    fails_of: dict[str, int] = {}
    for f in cands:
        out: list[datetime | None] = []
        for v in texts:
            try:
                out.append(datetime.strptime(v, f))
            except ValueError:
                out.append(None)
        parsed[f] = out
        fails_of[f] = out.count(None)
    fewest = min(fails_of.values())
    cands = [f for f in cands if fails_of[f] == fewest]
    first = parsed[cands[0]]
    for other in cands[1:]:
        for v, a, b in zip(texts, first, parsed[other]):
            if a != b:
                return None, v, cands
    return cands[0], None, cands
