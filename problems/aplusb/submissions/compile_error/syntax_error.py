# Compile error: a syntax error is caught by the compile step (py_compile).
a, b = map(int, input().split()
print(a + b)
