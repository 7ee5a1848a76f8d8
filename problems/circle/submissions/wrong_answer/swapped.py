# Wrong answer: prints the circumference first, then the area.
import math

r = float(input())
print(2 * math.pi * r, math.pi * r * r)
