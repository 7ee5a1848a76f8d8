# Output limit exceeded: prints the right answer, then writes to stdout forever.
a, b = $stdin.read.split.map(&:to_i)
puts a + b
block = "y" * 65535 + "\n"
loop { $stdout.write(block) }
