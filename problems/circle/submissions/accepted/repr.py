# Circle in Python: print() of a float gives its shortest exact representation.
import math

r = float(input())
print(math.pi * r * r, 2 * math.pi * r)
