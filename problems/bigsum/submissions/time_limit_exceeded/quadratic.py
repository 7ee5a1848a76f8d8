# Time limit exceeded: calls input() once per line AND re-adds every number read
# so far after each line. That is O(n^2) additions: about 5 * 10^11 on the
# n = 10^6 test, hours of work, so it exceeds any sane time limit by far.
n = int(input())
numbers = []
total = 0
for _ in range(n):
    numbers.append(int(input()))
    total = 0
    for x in numbers:
        total += x
print(total)
