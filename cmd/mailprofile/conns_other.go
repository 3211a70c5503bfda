//go:build !unix

package main

// maxConns is how many connections serve keeps open at once.
func maxConns() int { return 10000 }
