"""Block bitmaps at CBT granularity (64 KiB), stored compactly in JSON."""
import base64
import zlib

BLOCK = 64 * 1024  # CBT tracking granularity of the lab


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
        """Mark every block touched by [offset, offset+length)."""
        if length <= 0:
            return
        first, last = offset // BLOCK, (offset + length - 1) // BLOCK
        for b in range(first, min(last, self.nblocks - 1) + 1):
            self.bits[b >> 3] |= 1 << (b & 7)

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
        for i, v in enumerate(other.bits):
            self.bits[i] |= v

    def runs(self, first=0, end=None):
        """Yield (first_block, nblocks) runs of set bits within [first, end)."""
        end = self.nblocks if end is None else min(end, self.nblocks)
        b = first
        while b < end:
            # Skip whole zero bytes quickly.
            if b & 7 == 0 and self.bits[b >> 3] == 0:
                b += 8
                continue
            if not self.test(b):
                b += 1
                continue
            s = b
            while b < end and self.test(b):
                b += 1
            yield s, b - s

    def count(self):
        return sum(bin(v).count("1") for v in self.bits)
