#!/usr/bin/env python3
"""Generates the test data of Zero Pairs (data/secret/group*/*.in and *.ans).

Run it from anywhere: `python3 problems/subtasks/data/generate.py`. Fixed seeds: running it again
rewrites the same bytes. Subtask 1: n <= 100, |a_i| <= 100; subtask 2: n <= 3000; subtask 3:
n <= 10^5 (|a_i| <= 10^9 in both). The first test of each subtask has a nonzero answer.
"""

import os
import random
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def answer(numbers):
    counts = Counter(numbers)
    pairs = counts[0] * (counts[0] - 1) // 2
    pairs += sum(c * counts[-v] for v, c in counts.items() if v > 0)
    return pairs


def write_case(group, name, numbers):
    folder = os.path.join(HERE, "secret", group)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name + ".in"), "w", newline="\n") as f:
        f.write(f"{len(numbers)}\n")
        f.write(" ".join(map(str, numbers)))
        f.write("\n")
    with open(os.path.join(folder, name + ".ans"), "w", newline="\n") as f:
        f.write(f"{answer(numbers)}\n")


def paired(rng, n, bound):
    """n numbers of which about half have their negation present."""
    half = [rng.randint(1, bound) for _ in range(n // 2)]
    numbers = half + [-x if rng.random() < 0.5 else rng.randint(-bound, bound) for x in half]
    numbers += [0] * (n - len(numbers))
    rng.shuffle(numbers)
    return numbers


def main():
    rng = random.Random(2026_15)
    write_case("group1", "01-paired", paired(rng, 100, 100))
    write_case("group1", "02-random", [rng.randint(-100, 100) for _ in range(100)])
    write_case("group1", "03-single", [0])
    write_case("group2", "01-paired", paired(rng, 3000, 10**9))
    write_case("group2", "02-random", [rng.randint(-3, 3) * 10**8 for _ in range(3000)])
    write_case("group2", "03-zeros", [0] * 3000)
    write_case("group3", "01-paired", paired(rng, 10**5, 10**9))
    # 10^5 zeros: 4999950000 pairs, more than 32 bits hold.
    write_case("group3", "02-zeros", [0] * 10**5)
    write_case("group3", "03-random", [rng.randint(-10**9, 10**9) for _ in range(10**5)])


if __name__ == "__main__":
    main()
