"""Response bodies decompressed as they arrive, never more than the caller asks for at a time.

httpx inflates each network chunk whole (and stacked encodings one after another) before a caller can
count the bytes, so a small gzip bomb grew to 213 MB under a 5 MB cap. Here the raw bytes go through
zlib with a bound on each call's output: the caller counts every piece and stops at its cap. One
encoding at most (gzip or deflate, the only ones the client asks for); stacked or unknown ones are
refused.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

PIECE = 65_536  # the most one decompression call may produce


class EncodingRefused(ValueError):
    """A Content-Encoding the fetcher does not read."""


class Inflater:
    """Decodes one response body of the given Content-Encoding, in bounded pieces."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise EncodingRefused(f"stacked Content-Encoding {content_encoding!r} refused")
        coding = codings[0] if codings else "identity"
        if coding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise EncodingRefused(f"Content-Encoding {coding!r} is not supported")
        self._deflate = coding == "deflate"
        self._decoder = None if coding == "identity" else self._new_decoder(raw=False)
        self._started = False

    def _new_decoder(self, raw: bool) -> zlib._Decompress:
        bits = -zlib.MAX_WBITS if raw else (zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS)
        return zlib.decompressobj(bits)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of `data`, at most PIECE at a time; raises zlib.error on a corrupt body."""
        if self._decoder is None:
            yield data
            return
        while data:
            try:
                out = self._decoder.decompress(data, PIECE)
            except zlib.error:
                if not (self._deflate and not self._started):
                    raise
                self._decoder = self._new_decoder(raw=True)  # "deflate" sent without its zlib header
                out = self._decoder.decompress(data, PIECE)
            self._started = True
            if out:
                yield out
            data = self._decoder.unconsumed_tail
            if self._decoder.eof:
                return
