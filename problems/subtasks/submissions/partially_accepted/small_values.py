# Counts in a table indexed by value: right only while |a_i| <= 100 (subtask 1).
# @EXPECTED_SCORE@: 20
import sys

data = sys.stdin.buffer.read().split()
table = [0] * 201
for word in data[1:]:
    table[int(word) + 100] += 1
pairs = table[100] * (table[100] - 1) // 2
pairs += sum(table[100 + v] * table[100 - v] for v in range(1, 101))
print(pairs)
