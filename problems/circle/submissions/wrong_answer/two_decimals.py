# Wrong answer: two decimals are too few (3.14 is 0.0016 away from pi).
import math

r = float(input())
print("%.2f %.2f" % (math.pi * r * r, 2 * math.pi * r))
