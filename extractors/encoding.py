"""Decoding raw page bytes the way Chinese government sites actually encode them.

Declared charsets lie: a page labelled gb2312 often holds GBK or GB18030 characters, a header
says utf-8 for a GBK page, or nothing is declared at all. We never trust a label blindly and never
raise: the result is always a string, with the encoding we used and how we decided.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from bs4.dammit import UnicodeDammit

#: Labels that all mean "some GB encoding"; GB18030 is a superset of each, so decode with it.
_GB_LABELS = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "csgb2312", "cp936", "ms936", "euc-cn"}
_BIG5_LABELS = {"big5", "big5-hkscs", "cp950", "x-big5"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
#: Below this many bytes detectors guess badly (TOOLCHAIN.md); prefer strict trial decodes.
_SHORT = 30


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    #: "bom", "utf-8", "declared", "detected" or "fallback" — how the encoding was chosen.
    method: str
    #: The charset the page declared (header, else ``<meta>``), as written; None if none.
    declared: str | None = None
    #: Another encoding the bytes look like (Big5 declared as GBK decodes "cleanly" as mojibake).
    suspect: str | None = None

    @property
    def note(self) -> str | None:
        """One line when the page's encoding is not what it says (or unclear); None when fine."""
        if self.method == "fallback":
            said = f" (declared {self.declared})" if self.declared else ""
            return f"encoding unclear{said}: decoded as {self.encoding} with replacements"
        if self.suspect:
            return (
                f"charset declared as {self.declared} but the bytes look like {self.suspect}:"
                f" decoded as {self.encoding}, check the text"
            )
        wanted = normalise_label(self.declared)
        if self.text.isascii():
            return None
        if wanted and self.method in ("utf-8", "detected") and not _same_family(wanted, self.encoding):
            return f"charset declared as {self.declared} but the page is {self.encoding}: decoded as such"
        return None


def _same_family(declared: str, used: str) -> bool:
    # ASCII pages declared as anything ASCII-compatible decode the same; gb2312 ⊂ gb18030.
    return declared == used or used == "ascii"


def normalise_label(label: str | None) -> str | None:
    """Map a declared charset to the codec we decode it with (gb2312/gbk → gb18030)."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _GB_LABELS:
        return "gb18030"
    if name in _BIG5_LABELS:
        return "big5hkscs"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(raw: bytes, content_type: str | None = None) -> str | None:
    """The charset the page claims: the HTTP header first, then a ``<meta>`` in the first 4 KB."""
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            return match.group(1)
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def decode(raw: bytes, content_type: str | None = None) -> Decoded:
    """Decode page bytes to text. Never raises (see :func:`_decode`); records the declared label."""
    decoded = _decode(raw, content_type)
    declared = declared_charset(raw, content_type) if raw else None
    if declared is None:
        return decoded
    suspect = "big5" if decoded.encoding == "gb18030" and looks_like_big5(raw) else None
    return Decoded(decoded.text, decoded.encoding, decoded.method, declared, suspect)


#: A double-byte character: a lead byte ≥ 0x80 and the byte after it, whatever it is.
_DOUBLE_BYTE = re.compile(rb"[\x80-\xff][\x00-\xff]", re.DOTALL)
#: A pair with a lead ≥ 0xA4 and a trail 0x40–0x7E (where Big5 puts characters GBK maps to rare
#: ones). Its trail is ASCII, so it can only end a run of high bytes of odd length, the run's
#: earlier bytes pairing among themselves; every run starts a pair (an ASCII byte is never a lead).
#: (The pattern opens with the run's first byte, so the regex engine skips ASCII bytes fast.)
_LOW_TRAIL_PAIR = re.compile(
    rb"[\x80-\xff](?<![\x80-\xff]{2})(?:(?<=[\xa4-\xff])|(?:[\x80-\xff]{2})*[\x80-\xff][\xa4-\xff])[\x40-\x7e]"
)


def looks_like_big5(raw: bytes) -> bool:
    """Big5 bytes read as GBK: valid, but half the characters land outside GB2312's block.

    In GB2312 text both bytes of a character are 0xA1–0xFE; Big5 puts about half its common
    characters at trail bytes 0x40–0x7E, which GBK maps to rare characters. A page where most
    double-byte characters are like that, and which decodes cleanly as Big5, is probably Big5.
    """
    data = raw[:200_000]
    # Left to right, a byte below 0x80 stands alone and any other starts a two-byte pair: both
    # counts are regex passes in C (subn counts; what it builds is thrown away).
    pairs = _DOUBLE_BYTE.subn(b"", data)[1]
    low_trail = _LOW_TRAIL_PAIR.subn(b"", data)[1]
    if pairs < 20 or low_trail < 0.25 * pairs:
        return False
    try:
        data.decode("big5hkscs")
    except UnicodeDecodeError:
        return False
    return True


#: bs4 logs "Some characters could not be decoded" per guess with no page named; we say it
#: ourselves, once per page, naming it (Decoded.note).
_DAMMIT_LOG = logging.getLogger("bs4.dammit")


def _decode(raw: bytes, content_type: str | None = None) -> Decoded:
    """Decode page bytes to text. Never raises.

    Order: a BOM; strict UTF-8 (a GB page almost never happens to be valid UTF-8, so this is safe
    and catches pages whose label wrongly says gb2312); the declared charset if it decodes
    cleanly (with gb labels widened to GB18030); a detector; GB18030 with replacement.
    """
    if not raw:
        return Decoded("", "utf-8", "utf-8")
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return Decoded(raw[len(bom) :].decode(name, "replace"), name, "bom")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    declared = normalise_label(declared_charset(raw, content_type))
    if declared and declared not in ("utf-8", "ascii"):
        try:
            return Decoded(raw.decode(declared), declared, "declared")
        except (UnicodeDecodeError, LookupError):
            pass
    if len(raw) >= _SHORT:
        level = _DAMMIT_LOG.level
        _DAMMIT_LOG.setLevel(logging.ERROR)
        try:
            dammit = UnicodeDammit(raw, known_definite_encodings=[], user_encodings=["gb18030"], is_html=True)
        finally:
            _DAMMIT_LOG.setLevel(level)
        encoding = normalise_label(dammit.original_encoding) if dammit.original_encoding else None
        if encoding and dammit.unicode_markup is not None and "\ufffd" not in dammit.unicode_markup:
            try:
                return Decoded(raw.decode(encoding), encoding, "detected")
            except (UnicodeDecodeError, LookupError):
                pass
    for candidate in ("gb18030", "big5hkscs"):
        try:
            return Decoded(raw.decode(candidate), candidate, "detected")
        except UnicodeDecodeError:
            continue
    return Decoded(raw.decode("gb18030", "replace"), "gb18030", "fallback")
