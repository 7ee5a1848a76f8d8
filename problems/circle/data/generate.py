#!/usr/bin/env python3
"""Writes the answers (data/*/*.ans) of Circle from the inputs (data/*/*.in).

The answers are computed in 60-digit decimal arithmetic, so they are exact to
the 12 decimals printed, independent of any floating-point library.
Run: `python3 problems/circle/data/generate.py`.
"""

import glob
import os
from decimal import Decimal, getcontext

getcontext().prec = 60
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
HERE = os.path.dirname(os.path.abspath(__file__))

for path in sorted(glob.glob(os.path.join(HERE, "*", "*.in"))):
    with open(path) as f:
        r = Decimal(f.read().strip())
    assert Decimal("0.001") <= r <= 1000 and -r.as_tuple().exponent <= 6, path
    step = Decimal("1e-12")
    area = (PI * r * r).quantize(step)
    circumference = (2 * PI * r).quantize(step)
    with open(path[:-3] + ".ans", "w", newline="\n") as f:
        f.write(f"{area} {circumference}\n")
