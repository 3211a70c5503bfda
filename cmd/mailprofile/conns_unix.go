//go:build unix

package main

import "syscall"

// maxConns is how many connections serve keeps open at once: the process's
// limit of open files (which Go raises to the hard limit at start) less
// what the process needs besides, so that an overload makes new clients
// wait in the listen queue instead of leaving the process without a file
// to read a description or a certificate with.
func maxConns() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < 2*reservedFiles {
		return reservedFiles
	}
	return int(min(lim.Cur-reservedFiles, 1<<20))
}
