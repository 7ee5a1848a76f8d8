# Time limit exceeded (PyPy 3): reads the input correctly, then spins forever.
a, b = map(int, input().split())
n = 0
while True:
    n += 1
print(a + b)
