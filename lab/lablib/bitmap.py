"""Block bitmaps at CBT granularity (64 KiB), stored compactly in JSON: as
their runs of set blocks, so that reading one back costs what it holds, not
the size of the disk (a 1 TiB disk has 16 Mi blocks)."""
import array
import base64
import re
import zlib

BLOCK = 64 * 1024  # CBT tracking granularity of the lab

# Searches that skip runs of empty or full bytes at C speed: what scanning a
# bitmap costs then follows the runs it finds, not the size of the disk.
# (A repeated literal is matched about ten times faster than a negated class.)
_EMPTY_BYTES = re.compile(rb"\x00*")
_FULL_BYTES = re.compile(rb"\xff*")

_RUNS = "runs:"  # encoding: this, then base64 of zlib of (first, count) uint64 pairs


def _lowest_bit(v):
    return (v & -v).bit_length() - 1


class Bitmap:
    def __init__(self, nblocks, data=None):
        self.nblocks = nblocks  # blocks covered
        self.bits = bytearray(data) if data else bytearray((nblocks + 7) // 8)

    @classmethod
    def for_bytes(cls, size):
        return cls((size + BLOCK - 1) // BLOCK)

    @classmethod
    def decode(cls, nblocks, text):
        if not text:
            return cls(nblocks)
        if not text.startswith(_RUNS):  # a bit per block (labs made before runs)
            return cls(nblocks, zlib.decompress(base64.b64decode(text)))
        bm = cls(nblocks)
        pairs = array.array("Q")
        pairs.frombytes(zlib.decompress(base64.b64decode(text[len(_RUNS):])))
        for i in range(0, len(pairs) - 1, 2):
            bm._fill(pairs[i], pairs[i + 1])
        return bm

    def encode(self):
        pairs = array.array("Q")
        for first, n in self.runs():
            pairs.extend((first, n))
        return _RUNS + base64.b64encode(zlib.compress(pairs.tobytes())).decode()

    def _fill(self, first, n):
        """Mark blocks [first, first+n) (whole bytes at once)."""
        b, end = first, min(first + n, self.nblocks)
        while b < end and b & 7:
            self.bits[b >> 3] |= 1 << (b & 7)
            b += 1
        full = (end - b) >> 3
        if full > 0:
            self.bits[b >> 3:(b >> 3) + full] = b"\xff" * full
            b += full << 3
        while b < end:
            self.bits[b >> 3] |= 1 << (b & 7)
            b += 1

    def set_range(self, offset, length):
        """Mark every block touched by [offset, offset+length); return how
        many of them were not marked before."""
        if length <= 0:
            return 0
        first, last = offset // BLOCK, (offset + length - 1) // BLOCK
        new = 0
        for b in range(first, min(last, self.nblocks - 1) + 1):
            bit = 1 << (b & 7)
            if not self.bits[b >> 3] & bit:
                self.bits[b >> 3] |= bit
                new += 1
        return new

    def clear_range(self, offset, length):
        """Unmark every block lying wholly inside [offset, offset+length)
        (a block only partly inside keeps its other bytes)."""
        first = (offset + BLOCK - 1) // BLOCK
        end = min((offset + length) // BLOCK, self.nblocks)
        for b in range(first, end):
            self.bits[b >> 3] &= ~(1 << (b & 7)) & 0xFF

    def test(self, b):
        return bool(self.bits[b >> 3] & (1 << (b & 7)))

    def union(self, other):
        n = len(self.bits)
        v = int.from_bytes(self.bits, "little") | int.from_bytes(other.bits[:n], "little")
        self.bits = bytearray(v.to_bytes(n, "little"))

    def _next(self, b, end, want_set):
        """The first block at or after b (before end) whose bit is want_set;
        end if there is none."""
        flip = 0 if want_set else 0xFF
        if b < end and b & 7:
            v = ((self.bits[b >> 3] ^ flip) >> (b & 7)) & 0xFF
            if v:
                return min(b + _lowest_bit(v), end)
            b = (b | 7) + 1
        if b >= end:
            return end
        endbyte = (end + 7) >> 3
        i = (_EMPTY_BYTES if want_set else _FULL_BYTES).match(self.bits, b >> 3, endbyte).end()
        if i >= endbyte:
            return end
        return min(i * 8 + _lowest_bit(self.bits[i] ^ flip), end)

    def runs(self, first=0, end=None):
        """Yield (first_block, nblocks) runs of set bits within [first, end)."""
        end = self.nblocks if end is None else min(end, self.nblocks)
        b = first
        while True:
            s = self._next(b, end, True)
            if s >= end:
                return
            b = self._next(s, end, False)
            yield s, b - s

    def count(self):
        return int.from_bytes(self.bits, "little").bit_count()
