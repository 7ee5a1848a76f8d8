import sys


def main():
    data = sys.stdin.buffer.read().split()
    a, b = int(data[0]), int(data[1])
    sys.stdout.write(f"{a + b}\n")


main()
