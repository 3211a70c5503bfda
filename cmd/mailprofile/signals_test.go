package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigSite writes a description with n accounts in a CSV file.
func bigSite(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("address,name,password\n")
	for i := range n {
		fmt.Fprintf(&csv, "user%06d@example.co.jp,User %d,secret%d\n", i, i, i)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv.String()), 0o644))
	return write(t, "site.yaml", "domain: example.co.jp\nservers:\n  new:\n    incoming: [{protocol: imap, host: imap.example-host.jp}]\n    outgoing: [{host: smtp.example-host.jp}]\naccounts_csv: "+filepath.Join(dir, "people.csv")+"\n")
}

// exitCode waits for cmd and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(time.Minute): // a hang guard, not a measure of speed
		cmd.Process.Kill()
		t.Fatal("the command did not stop")
		return -1
	}
}

// TestGenStopsOnSignal: Ctrl-C (SIGINT) or SIGTERM during gen finishes the
// files being written, leaves no temporary file (one may hold a password)
// and exits 130 or 143.
func TestGenStopsOnSignal(t *testing.T) {
	desc := bigSite(t, 20000)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := t.TempDir()
		cmd := exec.Command(build(t), "gen", "-c", desc, "-o", out, "--include-passwords")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		// Wait for the first person's files, then stop it.
		for {
			if _, err := os.Stat(filepath.Join(out, "user000000@example.co.jp")); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		require.NoError(t, cmd.Process.Signal(sig))
		code := exitCode(t, cmd)
		assert.Equal(t, 128+int(sig), code, "%v: %s", sig, stderr.String())
		assert.Contains(t, stderr.String(), "stopped after")
		var temps, people int
		require.NoError(t, filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
			require.NoError(t, err)
			if strings.HasPrefix(d.Name(), ".mailprofile-") {
				temps++
			}
			if strings.HasSuffix(path, ".mobileconfig") {
				people++
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.True(t, strings.HasSuffix(string(data), "</plist>\n"), "%s is whole", path)
			}
			return nil
		}))
		assert.Zero(t, temps, "no temporary file is left")
		assert.Less(t, people, 20000, "it stopped before the end")
	}
}

// TestReadStopsOnSignal: a wait for the input ends at once on Ctrl-C. The
// input is a named pipe that never ends: once the test has opened it, the
// command is reading it.
func TestReadStopsOnSignal(t *testing.T) {
	for _, name := range []string{"validate", "gen", "sheet", "dns", "import"} {
		fifo := filepath.Join(t.TempDir(), "input")
		require.NoError(t, syscall.Mkfifo(fifo, 0o600))
		args := []string{name, "-c", fifo, "-o", t.TempDir()}
		switch name {
		case "validate", "dns":
			args = args[:3]
		case "import":
			args = []string{name, fifo}
		}
		cmd := exec.Command(build(t), args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for the command to open it
		require.NoError(t, err)
		_, err = w.Write([]byte("domain: example.co.jp\n"))
		require.NoError(t, err)
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, 130, exitCode(t, cmd), name)
		assert.Equal(t, "mailprofile "+name+": stopped\n", stderr.String())
		w.Close()
	}
}

// TestPasswordPromptStopsOnCtrlC types Ctrl-C at check --login's password
// prompt, on a terminal made by script(1): the command stops with 130.
func TestPasswordPromptStopsOnCtrlC(t *testing.T) {
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("skipping: script (util-linux) makes the terminal for this test")
	}
	desc := write(t, "site.yaml", desc("example.co.jp"))
	cmd := exec.Command(scriptCmd, "-qefc", build(t)+" check --login a@example.co.jp -c "+desc, "/dev/null")
	for _, kv := range os.Environ() { // the password is asked for, not taken from here
		if !strings.HasPrefix(kv, passwordEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	r := bufio.NewReader(stdout)
	prompt := make([]byte, 0, 64)
	for !strings.Contains(string(prompt), "Password for a@example.co.jp: ") {
		b, err := r.ReadByte()
		require.NoError(t, err, "before the prompt: %q", prompt)
		prompt = append(prompt, b)
	}
	_, err = stdin.Write([]byte{3}) // Ctrl-C on the terminal
	require.NoError(t, err)
	go io.Copy(io.Discard, r)
	assert.Equal(t, 130, exitCode(t, cmd))
}
