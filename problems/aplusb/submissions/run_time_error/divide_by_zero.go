// Run-time error: integer division by zero panics (exit status 2).
package main

import "fmt"

func main() {
	var a, b int64
	fmt.Scan(&a, &b)
	zero := a - a
	fmt.Println(a / zero)
}
