// Command hello is the start-up baseline of bench/run.sh: the smallest Go
// binary that prints a line.
package main

import "fmt"

func main() { fmt.Println("hello") }
