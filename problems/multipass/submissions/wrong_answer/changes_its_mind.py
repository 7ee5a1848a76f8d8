# In range both times, but the lower end in run 1 and the upper end in run 2: inconsistent
# whenever a < b.
p, a, b = map(int, input().split())
print(a if p == 1 else b)
