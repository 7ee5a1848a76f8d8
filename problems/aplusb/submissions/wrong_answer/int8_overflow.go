// Wrong answer: adds in int8, which wraps around.
package main

import "fmt"

func main() {
	var a, b int64
	fmt.Scan(&a, &b)
	fmt.Println(int8(a) + int8(b))
}
