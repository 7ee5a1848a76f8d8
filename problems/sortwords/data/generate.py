#!/usr/bin/env python3
"""Generates the test data of Sort the Words (data/sample and data/secret).

Deterministic (fixed seeds): running it again reproduces the committed files.
Run: `python3 problems/sortwords/data/generate.py`.
The .ans files hold the words sorted by their lower-case form (a stable sort,
so words equal but for case keep their input order), one per line.
"""

import os
import random
import string

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_N = 10**5


def write_case(name, words):
    assert 1 <= len(words) <= MAX_N
    assert all(1 <= len(w) <= 20 and all(c in string.ascii_letters for c in w) for w in words)
    with open(os.path.join(HERE, name + ".in"), "w", newline="\n") as f:
        f.write(f"{len(words)}\n{' '.join(words)}\n")
    with open(os.path.join(HERE, name + ".ans"), "w", newline="\n") as f:
        f.write("".join(w + "\n" for w in sorted(words, key=str.lower)))


def random_word(rng, length, alphabet=string.ascii_letters):
    return "".join(rng.choice(alphabet) for _ in range(length))


def main():
    os.makedirs(os.path.join(HERE, "sample"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "secret"), exist_ok=True)

    write_case("sample/1", ["banana", "Apple", "cherry", "apple", "Date"])
    write_case("sample/2", ["Zeta", "alpha", "Mu"])

    write_case("secret/01-one-word", ["Hello"])
    # Plain byte order (A-Z before a-z) gets this wrong.
    write_case("secret/02-case-trap", ["b", "A", "a", "B", "Zoo", "apple", "Apple", "zebra"])
    write_case("secret/03-prefixes", ["abcd", "ABC", "a", "abcde", "Ab", "abcdefghijklmnopqrst"])
    write_case("secret/04-same-word", ["word", "WORD", "Word", "wOrD", "word", "WoRd"])
    write_case("secret/05-sorted", ["alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot"])
    write_case("secret/06-reversed", ["zulu", "Yankee", "xray", "Whiskey", "victor", "Uniform"])
    rng = random.Random(8001)
    write_case("secret/07-short-words", [random_word(rng, rng.randint(1, 3), "abAB") for _ in range(1000)])
    write_case("secret/08-long-words", [random_word(rng, 20, "xyXY") for _ in range(1000)])
    write_case("secret/09-max-n", [random_word(rng, rng.randint(1, 12)) for _ in range(MAX_N)])
    # Upper-case letters after lower-case ones in the alphabet, and the reverse.
    write_case("secret/10-mixed-case", [random_word(rng, rng.randint(1, 6), "aZzA") for _ in range(5000)])


if __name__ == "__main__":
    main()
