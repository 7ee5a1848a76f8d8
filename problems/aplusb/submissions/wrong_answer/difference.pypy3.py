# Wrong answer (PyPy 3): prints a-b instead of a+b.
a, b = map(int, input().split())
print(a - b)
