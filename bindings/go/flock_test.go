package filelock_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"filelock"
)

func TestTryLockAndASecondFlock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.lock")
	f := filelock.New(p)
	ok, err := f.TryLock()
	if err != nil || !ok || !f.Locked() || f.RLocked() {
		t.Fatalf("TryLock: %v %v", ok, err)
	}
	if ok, err := f.TryLock(); !ok || err != nil {
		t.Fatalf("a second TryLock on the same Flock: %v %v", ok, err)
	}
	if ok, err := filelock.New(p).TryLock(); ok || err != nil {
		t.Fatalf("another Flock: %v %v, want false, nil", ok, err)
	}
	if ok, err := filelock.New(p).TryRLock(); ok || err != nil {
		t.Fatalf("another Flock's TryRLock: %v %v", ok, err)
	}
	if err := f.Unlock(); err != nil || f.Locked() {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("New keeps the file: %v", err)
	}
	if err := f.Unlock(); err != nil {
		t.Fatalf("Unlock when not locked: %v", err)
	}
	if f.Path() != p || f.String() != p {
		t.Fatal(f.Path())
	}
	if st, err := f.Stat(); err != nil || st.Size() != 0 {
		t.Fatalf("no record is written: %v %v", st, err)
	}
}

func TestSharedLocksShare(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.lock")
	a, b := filelock.New(p), filelock.New(p)
	if err := a.RLock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryRLock(); !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	if ok, _ := filelock.New(p).TryLock(); ok {
		t.Fatal("exclusive while shared holders hold")
	}
	_ = a.Unlock()
	_ = b.Unlock()
	if ok, _ := filelock.New(p).TryLock(); !ok {
		t.Fatal("free after both unlocked")
	}
}

func TestLockBlocksUntilUnlock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.lock")
	f := filelock.New(p)
	if err := f.Lock(); err != nil {
		t.Fatal(err)
	}
	g := filelock.New(p)
	done := make(chan error)
	go func() { done <- g.Lock() }()
	select {
	case err := <-done:
		t.Fatalf("Lock returned while held: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	_ = f.Unlock()
	if err := <-done; err != nil || !g.Locked() {
		t.Fatal(err)
	}
	_ = g.Unlock()
}

func TestContextCancelWakesAWaitPromptly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.lock")
	f := filelock.New(p)
	_ = f.Lock()
	defer f.Unlock()
	// An hour between polls: only the cancellation can end this wait.
	g := filelock.New(p, filelock.WithPollInterval(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	ok, err := g.TryLockContext(ctx, time.Hour)
	if ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("%v %v", ok, err)
	}
	// A cancelled context stops at once; the Flock works again afterwards.
	if ok, err := g.TryRLockContext(ctx, time.Second); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("%v %v", ok, err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	if ok, err := g.TryLockContext(ctx2, time.Hour); ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v %v", ok, err)
	}
	_ = f.Unlock()
	if ok, err := g.TryLockContext(context.Background(), time.Second); !ok || err != nil {
		t.Fatalf("after release: %v %v", ok, err)
	}
	_ = g.Unlock()
}

func TestTimeoutOption(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.lock")
	f := filelock.New(p)
	_ = f.Lock()
	defer f.Unlock()
	err := filelock.New(p, filelock.WithTimeout(time.Nanosecond)).Lock()
	if !errors.Is(err, filelock.ErrTimeout) {
		t.Fatalf("a 1 ns timeout is a short wait, not one try: %v", err)
	}
}

func TestNewForTargetWritesARecordAndRemovesIt(t *testing.T) {
	d := t.TempDir()
	target := filepath.Join(d, "data.csv")
	f := filelock.NewForTarget(target, filelock.WithTag("go test"))
	if f.Path() != target+".lock" || f.Target() != target {
		t.Fatal(f.Path())
	}
	if err := f.Lock(); err != nil {
		t.Fatal(err)
	}
	if locked, err := filelock.IsLocked(target); !locked || err != nil {
		t.Fatal(locked, err)
	}
	pid, err := filelock.HolderPID(f.Path())
	if err != nil || pid != int64(os.Getpid()) {
		t.Fatal(pid, err)
	}
	info, err := filelock.Info(f.Path(), time.Hour)
	if err != nil || info.Tag != "go test" || info.Holder != filelock.HolderAlive || info.Held != 1 || info.Kind != "regular file" {
		t.Fatalf("%+v %v", info, err)
	}
	_ = f.Unlock()
	if _, err := os.Stat(f.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the lock file is removed on release")
	}
}

func TestADirectoryCanBeLocked(t *testing.T) {
	d := t.TempDir()
	f := filelock.New(d, filelock.SetFlag(os.O_RDONLY))
	if ok, err := f.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := filelock.New(d).TryLock(); ok {
		t.Fatal("a second Flock on the directory")
	}
	_ = f.Unlock()
}

func TestErrorsMatchSentinelsAndErrno(t *testing.T) {
	d := t.TempDir()
	err := filelock.New(filepath.Join(d, "no", "dir", "x.lock")).Lock()
	if !errors.Is(err, filelock.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%v", err)
	}
	var fe *filelock.Error
	if !errors.As(err, &fe) || fe.Message == "" || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("%#v", fe)
	}
	// An OS error behind a failure is there as a syscall.Errno.
	err = filelock.NewForTarget(filepath.Join(d, strings.Repeat("x", 300))).Lock()
	if !errors.As(err, &fe) || fe.Errno != syscall.ENAMETOOLONG || !errors.Is(err, syscall.ENAMETOOLONG) {
		t.Fatalf("%v (%#v)", err, fe)
	}
	// Something that is not a lock file at the lock path: refused, untouched.
	target := filepath.Join(d, "Cargo")
	_ = os.WriteFile(target+".lock", []byte("[[package]]\n"), 0o644)
	if err := filelock.NewForTarget(target).Lock(); !errors.Is(err, filelock.ErrUnsafe) {
		t.Fatalf("%v", err)
	}
	if b, _ := os.ReadFile(target + ".lock"); string(b) != "[[package]]\n" {
		t.Fatal("foreign file changed")
	}
	victim := filepath.Join(d, "victim")
	_ = os.WriteFile(victim, []byte("precious"), 0o644)
	_ = os.Symlink(victim, filepath.Join(d, "link.lock"))
	if err := filelock.New(filepath.Join(d, "link.lock")).Lock(); !errors.Is(err, filelock.ErrUnsafe) {
		t.Fatalf("%v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatal("symlink followed")
	}
	if err := filelock.New("a\x00b").Lock(); !errors.Is(err, filelock.ErrInvalid) {
		t.Fatalf("%v", err)
	}
}

func TestConfigSuppliesSettings(t *testing.T) {
	d := t.TempDir()
	cfg, err := filelock.ParseConfig("file_locking:\n  timeout_seconds: 0.05\n  tag: from-config\n", "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := cfg.Duration("timeout_seconds"); v != 50*time.Millisecond {
		t.Fatal(v)
	}
	target := filepath.Join(d, "t")
	f := filelock.NewForTarget(target, filelock.WithConfig(cfg))
	if err := f.Lock(); err != nil {
		t.Fatal(err)
	}
	if info, _ := filelock.Info(f.Path(), time.Hour); info.Tag != "from-config" {
		t.Fatalf("%+v", info)
	}
	err = filelock.NewForTarget(target, filelock.WithConfig(cfg)).Lock()
	if !errors.Is(err, filelock.ErrTimeout) {
		t.Fatalf("the config's timeout applies to Lock: %v", err)
	}
	_ = f.Unlock()
	// shared: true in the config (or WithShared) makes Lock shared.
	shared, _ := filelock.ParseConfig("file_locking:\n  shared: true\n", "s.yaml")
	a := filelock.New(filepath.Join(d, "s.lock"), filelock.WithConfig(shared))
	b := filelock.New(filepath.Join(d, "s.lock"), filelock.WithShared(true))
	if err := a.Lock(); err != nil || !a.RLocked() || a.Locked() {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatal("two shared holders", ok, err)
	}
	if ok, _ := filelock.New(filepath.Join(d, "s.lock")).TryLock(); ok {
		t.Fatal("exclusive beside shared holders")
	}
	_ = a.Unlock()
	_ = b.Unlock()
	if _, err := filelock.ParseConfig("file_locking:\n  timeout_secnds: 1\n", "x.yaml"); !errors.Is(err, filelock.ErrConfig) {
		t.Fatal(err)
	}
	if v, err := filelock.ParseSeconds("inf", true); v != -1 || err != nil {
		t.Fatal(v, err)
	}
}

// Many goroutines on one thread's worth of scheduler, each with its own
// Flock: they must exclude each other and wait, never fail with a false
// deadlock, whichever OS thread each Lock call runs on.
func TestGoroutinesOnFewThreadsNeverFalselyDeadlock(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := filepath.Join(t.TempDir(), "g.lock")
	var inside, entries int32
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := filelock.New(p)
			for i := 0; i < 20; i++ {
				if err := f.Lock(); err != nil {
					errs <- err
					return
				}
				if atomic.AddInt32(&inside, 1) != 1 {
					errs <- errors.New("two holders at once")
				}
				atomic.AddInt32(&entries, 1)
				runtime.Gosched()
				atomic.AddInt32(&inside, -1)
				if err := f.Unlock(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if entries != 32*20 {
		t.Fatal(entries)
	}
}

// A goroutine locked to its OS thread holds the lock through one Flock and
// asks for it through another, on that same thread: a wait (which runs
// out), not a deadlock error.
func TestSameOSThreadSecondFlockWaits(t *testing.T) {
	p := filepath.Join(t.TempDir(), "same.lock")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a := filelock.New(p)
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	b := filelock.New(p)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := b.TryLockContext(ctx, time.Second) // this thread holds it through a
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a wait that runs out, got %v", err)
	}
	_ = a.Unlock()
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
}
