# Syscall measurement: a "heavier" Ruby program (judge-images/tests/measure-syscalls.sh).
# Threads, a queue, big arrays, sort, hashes, rand, Time; prints A+B.
a, b = $stdin.read.split.map(&:to_i)
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
v = Array.new(500_000) { rand(1000) }.sort
q = Queue.new
threads = 4.times.map { |k| Thread.new { q << (k...v.size).step(4).sum { |i| v[i] } } }
threads.each(&:join)
s = 4.times.sum { q.pop }
cnt = v.tally
GC.start
def depth(n) = n.zero? ? 0 : 1 + depth(n - 1)
ok = s == v.sum && cnt.size <= 1000 && depth(5000) == 5000 &&
     Process.clock_gettime(Process::CLOCK_MONOTONIC) >= t0 && Time.now.year > 2000
puts ok ? a + b : "bad"
