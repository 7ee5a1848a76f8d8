# The same rule both times: the midpoint.
_, a, b = map(int, input().split())
print((a + b) // 2)
