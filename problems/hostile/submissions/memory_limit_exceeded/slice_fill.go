// Memory limit exceeded: keeps 16 MiB byte slices, every byte written, forever.
package main

func main() {
	var chunks [][]byte
	for {
		c := make([]byte, 16<<20)
		for i := range c {
			c[i] = 1
		}
		chunks = append(chunks, c)
	}
}
