package filelock_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filelock"
)

// TestMain doubles as the helper process: with LIBFILELOCK_TEST_HELPER=hold
// it takes the lock named by LIBFILELOCK_TEST_ARGS ("target|explicit|shared"),
// says "ready", and holds it until its stdin closes.
func TestMain(m *testing.M) {
	if os.Getenv("LIBFILELOCK_TEST_HELPER") == "hold" {
		os.Exit(helper(strings.Split(os.Getenv("LIBFILELOCK_TEST_ARGS"), "|")))
	}
	os.Exit(m.Run())
}

func helper(args []string) int {
	var f *filelock.Flock
	if len(args) > 1 && args[1] == "explicit" {
		f = filelock.New(args[0])
	} else {
		f = filelock.NewForTarget(args[0])
	}
	var err error
	if len(args) > 2 && args[2] == "shared" {
		err = f.RLock()
	} else {
		err = f.Lock()
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startHolder(t *testing.T, args ...string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LIBFILELOCK_TEST_HELPER=hold", "LIBFILELOCK_TEST_ARGS="+strings.Join(args, "|"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper said %q", line)
	}
	return &holder{cmd: cmd, stdin: stdin}
}

func (h *holder) pid() int64 { return int64(h.cmd.Process.Pid) }

func (h *holder) finish(t *testing.T) {
	t.Helper()
	h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
}

func (h *holder) kill() {
	_ = h.cmd.Process.Kill() // SIGKILL
	_ = h.cmd.Wait()
}

func cliPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LIBFILELOCK_CLI"); p != "" {
		return p
	}
	if b := os.Getenv("LIBFILELOCK_BUILD"); b != "" {
		return filepath.Join(b, "cli", "filelock")
	}
	t.Fatal("set LIBFILELOCK_CLI or LIBFILELOCK_BUILD")
	return ""
}
