//go:build !unix

package mailprofile

import "os"

// inode is 0 where there are no inodes: size and time tell a change.
func inode(os.FileInfo) uint64 { return 0 }
