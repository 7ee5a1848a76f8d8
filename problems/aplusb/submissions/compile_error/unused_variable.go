// Compile error: Go rejects a declared and unused variable.
package main

import "fmt"

func main() {
	var a, b int64
	unused := 0
	fmt.Scan(&a, &b)
	fmt.Println(a + b)
}
