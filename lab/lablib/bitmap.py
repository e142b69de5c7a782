"""Block bitmaps at CBT granularity (64 KiB), stored compactly in JSON."""
import base64
import re
import zlib

BLOCK = 64 * 1024  # CBT tracking granularity of the lab

# Searches that skip runs of empty or full bytes at C speed: what scanning a
# bitmap costs then follows the runs it finds, not the size of the disk.
_ANY_SET = re.compile(rb"[^\x00]")
_ANY_CLEAR = re.compile(rb"[^\xff]")


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
        return cls(nblocks, zlib.decompress(base64.b64decode(text)) if text else None)

    def encode(self):
        return base64.b64encode(zlib.compress(bytes(self.bits))).decode()

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
        m = (_ANY_SET if want_set else _ANY_CLEAR).search(self.bits, b >> 3, (end + 7) >> 3)
        if m is None:
            return end
        i = m.start()
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
