# Compile error (PyPy 3): a syntax error, caught by py_compile.
a, b = map(int, input().split()
print(a + b)
