//go:build unix

package mailprofile

import (
	"os"
	"syscall"
)

// inode is the file's inode number: a file replaced by another (an editor
// that writes a new file and renames it) has a new one.
func inode(info os.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
