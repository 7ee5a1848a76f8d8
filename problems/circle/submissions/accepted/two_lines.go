// Circle in Go: six decimals, one number per line. Six decimals are just
// enough: rounding errs by at most 5e-7, inside the 1e-6 tolerance.
package main

import (
	"fmt"
	"math"
)

func main() {
	var r float64
	fmt.Scan(&r)
	fmt.Printf("%.6f\n%.6f\n", math.Pi*r*r, 2*math.Pi*r)
}
