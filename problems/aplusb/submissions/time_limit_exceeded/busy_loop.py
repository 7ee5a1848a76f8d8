# Time limit exceeded: reads the input correctly, then spins forever.
a, b = map(int, input().split())
n = 0
while True:
    n += 1
print(a + b)
