"""Comparing sparse files by what they hold: only the data regions of either
file are read (holes read as zeroes), so that a 1 TiB disk with little
allocated is compared in the time its data takes, not its size."""
import os


def data_regions(fd, size):
    """(start, end) of each data region of the open file within [0, size)."""
    off, out = 0, []
    while off < size:
        try:
            start = os.lseek(fd, off, os.SEEK_DATA)
        except OSError:  # ENXIO: no data past off
            break
        if start >= size:
            break
        end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
        out.append((start, end))
        off = end
    return out


def first_difference(path_a, path_b, size):
    """The first offset below SIZE where the files differ (a file shorter
    than SIZE reads as zeroes past its end), or None if they are equal."""
    fa, fb = os.open(path_a, os.O_RDONLY), os.open(path_b, os.O_RDONLY)
    try:
        for start, end in sorted(data_regions(fa, size) + data_regions(fb, size)):
            while start < end:
                n = min(end - start, 4 << 20)
                a = os.pread(fa, n, start).ljust(n, b"\0")
                b = os.pread(fb, n, start).ljust(n, b"\0")
                if a != b:
                    return start + next(i for i in range(n) if a[i] != b[i])
                start += n
    finally:
        os.close(fa)
        os.close(fb)
    return None
