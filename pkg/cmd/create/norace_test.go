//go:build !race

package create_test

const raceEnabled = false
