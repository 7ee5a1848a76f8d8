# Wrong answer: reports a leak whatever happens, to show what a failing
# promise looks like (anything but SAFE is a wrong answer).
print("LEAK: this submission always reports a leak")
