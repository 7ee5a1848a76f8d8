// Syscall measurement: a "heavier" Go program (judge-images/tests/measure-syscalls.sh).
// Goroutines on all Ps, channels, a big slice, sort, GC, time; prints A+B.
package main

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

func depth(n int) int {
	if n == 0 {
		return 0
	}
	return 1 + depth(n-1)
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var a, b int64
	fmt.Fscan(in, &a, &b)
	t0 := time.Now()
	v := make([]int, 2000000)
	for i := range v {
		v[i] = rand.Intn(1000)
	}
	sort.Ints(v)
	const T = 8
	var wg sync.WaitGroup
	parts := make(chan int, T)
	for t := 0; t < T; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			s := 0
			for i := t; i < len(v); i += T {
				s += v[i]
			}
			parts <- s
		}(t)
	}
	wg.Wait()
	close(parts)
	s := 0
	for p := range parts {
		s += p
	}
	total := 0
	for _, x := range v {
		total += x
	}
	garbage := make([][]byte, 0)
	for i := 0; i < 100; i++ {
		garbage = append(garbage, make([]byte, 1<<20))
	}
	runtime.GC()
	time.Sleep(5 * time.Millisecond)
	if s != total || depth(1000000) != 1000000 || len(garbage) != 100 || time.Since(t0) < 0 {
		fmt.Fprintln(out, "bad")
		return
	}
	fmt.Fprintln(out, a+b)
}
