//go:build !unix

package e2e

import "os/exec"

// killGroupOnCancel keeps exec's default cancellation (kill the process):
// process groups are a Unix notion.
func killGroupOnCancel(*exec.Cmd) {}
