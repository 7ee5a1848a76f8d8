// Time limit exceeded: reads the input, then spins forever.
package main

import "fmt"

var n uint64

func main() {
	var a, b int64
	fmt.Scan(&a, &b)
	for {
		n++
	}
}
