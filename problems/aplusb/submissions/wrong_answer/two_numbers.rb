# Wrong answer: prints the sum followed by an extra token.
a, b = $stdin.read.split.map(&:to_i)
puts "#{a + b} 0"
