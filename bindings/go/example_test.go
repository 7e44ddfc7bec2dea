package filelock_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"filelock"
)

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	f := filelock.New(filepath.Join(dir, "job.lock")) // as gofrs/flock: the file itself, kept
	locked, err := f.TryLock()
	fmt.Println(locked, err)
	other, _ := filelock.New(f.Path()).TryLock()
	fmt.Println(other)
	_ = f.Unlock()
	// Output:
	// true <nil>
	// false
}

func ExampleNewForTarget() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	f := filelock.NewForTarget(filepath.Join(dir, "report.csv")) // report.csv.lock, with a PID record
	_ = f.Lock()
	pid, _ := filelock.HolderPID(f.Path())
	fmt.Println(filepath.Base(f.Path()), pid == int64(os.Getpid()))
	_ = f.Unlock()
	_, err := os.Stat(f.Path())
	fmt.Println(os.IsNotExist(err))
	// Output:
	// report.csv.lock true
	// true
}

func ExampleFlock_TryLockContext() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	holder := filelock.New(filepath.Join(dir, "x.lock"))
	_ = holder.Lock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ok, err := filelock.New(holder.Path()).TryLockContext(ctx, 10*time.Millisecond)
	fmt.Println(ok, err)
	// Output:
	// false context deadline exceeded
}

func ExampleScan() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	f := filelock.NewForTarget(filepath.Join(dir, "a.txt"))
	_ = f.Lock()
	rep, _ := filelock.Scan(dir, nil)
	fmt.Println(len(rep.Locks), rep.Locks[0].Holder == filelock.HolderAlive)
	_ = f.Unlock()
	// Output:
	// 1 true
}

func ExampleCleanupStale() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "Cargo.lock"), []byte("[[package]]\n"), 0o644)
	rep, _ := filelock.CleanupStale(dir, 0, nil)
	fmt.Println(rep.Removed) // a foreign file is never removed
	// Output:
	// 0
}

func ExampleBatch_Run() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	b, _ := filelock.NewBatch(nil)
	paths := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}
	res, _ := b.Run(paths, func(path string) error {
		return os.WriteFile(path, []byte("done\n"), 0o644) // runs while path's lock is held
	})
	fmt.Println(res.Done, res.Failed)
	// Output:
	// 2 0
}

func ExampleLoadConfig() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "jobs.yaml")
	_ = os.WriteFile(path, []byte("file_locking:\n  timeout_seconds: 5\n"), 0o644)
	cfg, err := filelock.LoadConfig(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := cfg.Duration("timeout_seconds")
	fmt.Println(t)
	// Output:
	// 5s
}
