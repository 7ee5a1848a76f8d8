// Output limit exceeded: prints the right answer, then writes to stdout forever.
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	var a, b int64
	fmt.Scan(&a, &b)
	fmt.Println(a + b)
	block := append(bytes.Repeat([]byte("y"), 65535), '\n')
	for {
		os.Stdout.Write(block)
	}
}
