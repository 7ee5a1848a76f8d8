# A plus B in Python 3, with a helper module beside it.
from arith import add

a, b = map(int, input().split())
print(add(a, b))
