# Compile error: a syntax error (missing `end`), caught by ruby -c.
a, b = $stdin.read.split.map(&:to_i)
if a > b
  puts a + b
