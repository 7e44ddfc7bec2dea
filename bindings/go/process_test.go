package filelock_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filelock"
)

func TestExclusionBetweenProcesses(t *testing.T) {
	target := filepath.Join(t.TempDir(), "report.txt")
	h := startHolder(t, target)
	f := filelock.NewForTarget(target)
	if ok, err := f.TryLock(); ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	if err := filelock.NewForTarget(target, filelock.WithTimeout(20*time.Millisecond)).Lock(); !errors.Is(err, filelock.ErrTimeout) {
		t.Fatal(err)
	}
	if pid, _ := filelock.HolderPID(f.Path()); pid != h.pid() {
		t.Fatal(pid, h.pid())
	}
	done := make(chan error)
	go func() { done <- f.Lock() }()
	h.finish(t)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = f.Unlock()
}

func TestSharedAcrossProcesses(t *testing.T) {
	p := filepath.Join(t.TempDir(), "shared.lock")
	h := startHolder(t, p, "explicit", "shared")
	if ok, err := filelock.New(p).TryRLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := filelock.New(p).TryLock(); ok {
		t.Fatal("exclusive while another process shares")
	}
	h.finish(t)
}

func TestASigkilledHolderIsStaleTakenOverAndCleaned(t *testing.T) {
	d := t.TempDir()
	one, two := filepath.Join(d, "one"), filepath.Join(d, "two")
	h1, h2 := startHolder(t, one), startHolder(t, two)
	pid1 := h1.pid()
	h1.kill()
	h2.kill()
	if filelock.ProcessIsRunning(pid1) {
		t.Fatal("killed holder still running")
	}
	f := filelock.NewForTarget(one)
	info, err := filelock.Info(f.Path(), 0)
	if err != nil || info.PID != pid1 || info.Holder != filelock.HolderDead || info.Held != 0 || !info.Stale {
		t.Fatalf("%+v %v", info, err)
	}
	if stale, _ := filelock.IsStale(f.Path(), 0); !stale {
		t.Fatal("not stale")
	}
	if ok, err := f.TryLock(); !ok || err != nil {
		t.Fatal("the OS lock died with its holder", ok, err)
	}
	rep, err := filelock.CleanupStale(d, 0, nil)
	if err != nil || rep.Removed != 1 || rep.StaleLocks[0].LockPath != two+".lock" {
		t.Fatalf("%+v %v", rep, err)
	}
	if _, err := os.Stat(f.Path()); err != nil {
		t.Fatal("the held lock must stay")
	}
	_ = f.Unlock()
}

func TestGoAndTheCToolExcludeEachOther(t *testing.T) {
	cli := cliPath(t)
	target := filepath.Join(t.TempDir(), "job.txt")
	f := filelock.NewForTarget(target)
	_ = f.Lock()
	cmd := exec.Command(cli, "-q", "run", "-t", "0", target, "--", "true")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 75 {
		t.Fatalf("the C tool must find it busy: %v", err)
	}
	_ = f.Unlock()

	c := exec.Command(cli, "-q", "run", "-t", "5", target, "--", "sh", "-c", "echo held; read x; exit 0")
	in, _ := c.StdinPipe()
	out, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || !strings.HasPrefix(string(buf), "held") {
		t.Fatalf("%q %v", buf, err)
	}
	if ok, _ := f.TryLock(); ok {
		t.Fatal("Go got a lock the C tool holds")
	}
	in.Close()
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	_ = f.Unlock()
}
