# A plus B in PyPy 3 (the name ending in .pypy3.py selects PyPy).
a, b = map(int, input().split())
print(a + b)
