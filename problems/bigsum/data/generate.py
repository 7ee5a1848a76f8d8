#!/usr/bin/env python3
"""Generates the secret test data of Big Sum (data/secret/*.in and *.ans).

Run it from anywhere: `python3 problems/bigsum/data/generate.py`. The output is
deterministic (fixed seeds), so running it again reproduces the committed files
byte for byte. The tests are sized to keep the whole problem near 10 MB:
one test with the full n = 10^6 (short numbers, about 5 MB) and a few smaller
ones whose sums overflow 32-bit integers.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = os.path.join(HERE, "secret")
MAX_N = 10**6
MAX_ABS = 10**6


def write_case(name, numbers):
    assert 1 <= len(numbers) <= MAX_N
    assert all(-MAX_ABS <= x <= MAX_ABS for x in numbers)
    with open(os.path.join(SECRET, name + ".in"), "w", newline="\n") as f:
        f.write(f"{len(numbers)}\n")
        f.write("\n".join(map(str, numbers)))
        f.write("\n")
    with open(os.path.join(SECRET, name + ".ans"), "w", newline="\n") as f:
        f.write(f"{sum(numbers)}\n")


def main():
    os.makedirs(SECRET, exist_ok=True)
    write_case("01-single-min", [-MAX_ABS])
    write_case("02-single-max", [MAX_ABS])
    write_case("03-zeros", [0] * 1000)
    rng = random.Random(2024_01)
    write_case("04-small-random", [rng.randint(-MAX_ABS, MAX_ABS) for _ in range(1000)])
    # Sum 2^31 exactly: the smallest sum a 32-bit int gets wrong.
    write_case("05-just-over-int32", [MAX_ABS] * 2147 + [483648])
    # Sum -2^31 - 1: one past the most negative 32-bit int.
    write_case("06-just-under-int32", [-MAX_ABS] * 2147 + [-483649])
    # The big one: n = 10^6 with 4-digit numbers, so the file stays near 5 MB
    # while the sum (about 5 * 10^9) still overflows 32 bits.
    rng = random.Random(2024_02)
    write_case("07-max-n", [rng.randint(0, 9999) for _ in range(MAX_N)])
    # Large values: 400000 numbers close to 10^6, sum about 3.8 * 10^11.
    rng = random.Random(2024_03)
    write_case("08-large-values", [rng.randint(900_000, MAX_ABS) for _ in range(400_000)])
    # Large negative values: sum -2 * 10^11.
    write_case("09-min-values", [-MAX_ABS] * 200_000)


if __name__ == "__main__":
    main()
