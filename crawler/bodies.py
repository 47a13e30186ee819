"""Bounded decoding of response bodies: gzip/deflate decompressed by us, never past a cap.

A gzip bomb (kilobytes that inflate to gigabytes) must cost at most the cap in memory, so we
never hand compressed bytes to a library that inflates them all at once.
"""

from __future__ import annotations

import zlib


class BodyTooLarge(Exception):
    """The body (raw or decompressed) is over the configured cap."""


class BadEncoding(Exception):
    """The body does not decode with the Content-Encoding the server declared."""


_CHUNK = 64 * 1024


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = bytearray()
    pending = data
    while True:
        piece = inflater.decompress(pending, _CHUNK)
        out += piece
        if len(out) > limit:
            raise BodyTooLarge(f"decompressed body over {limit} bytes (compression bomb?): stopped")
        pending = inflater.unconsumed_tail
        if inflater.eof:
            rest = inflater.unused_data
            # Concatenated gzip members are legal; inflate the next one within the same budget.
            if rest and wbits >= 16 and rest[:2] == b"\x1f\x8b":
                return bytes(out) + _inflate(rest, wbits, limit - len(out))
            return bytes(out)
        if not pending and not piece:
            # Input ended before the stream did: keep what inflated (a truncated but readable page).
            out += inflater.flush()
            if len(out) > limit:
                raise BodyTooLarge(f"decompressed body over {limit} bytes (compression bomb?): stopped")
            return bytes(out)


def decode_content(raw: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Undo ``Content-Encoding`` (gzip, x-gzip, deflate, identity; stacked ones in order)."""
    if not content_encoding:
        if len(raw) > limit:
            raise BodyTooLarge(f"body over {limit} bytes: stopped")
        return raw
    data = raw
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):  # the last coding applied is undone first
        if coding in ("identity", ""):
            continue
        try:
            if coding in ("gzip", "x-gzip"):
                data = _inflate(data, 16 + zlib.MAX_WBITS, limit)
            elif coding == "deflate":
                # "deflate" is zlib-wrapped by the spec, raw deflate in practice; try both.
                try:
                    data = _inflate(data, zlib.MAX_WBITS, limit)
                except zlib.error:
                    data = _inflate(data, -zlib.MAX_WBITS, limit)
            else:
                raise BadEncoding(f"unsupported Content-Encoding {coding!r}")
        except zlib.error as exc:
            raise BadEncoding(f"body does not decode as {coding}: {exc}") from None
    if len(data) > limit:
        raise BodyTooLarge(f"body over {limit} bytes: stopped")
    return data
