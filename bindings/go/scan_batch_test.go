package filelock_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"filelock"
)

func TestScanAndCleanupOnAPreparedTree(t *testing.T) {
	d := t.TempDir()
	_ = os.MkdirAll(filepath.Join(d, "sub", "deeper"), 0o755)
	held := filelock.NewForTarget(filepath.Join(d, "held"))
	_ = held.Lock()
	defer held.Unlock()
	h := startHolder(t, filepath.Join(d, "sub", "dead"))
	dead := h.pid()
	h.kill()
	_ = os.WriteFile(filepath.Join(d, "Cargo.lock"), []byte("# not ours\n"), 0o644)
	_ = os.WriteFile(filepath.Join(d, "sub", "deeper", "odd.lock"), []byte("\x00\x01"), 0o644)

	rep, err := filelock.Scan(d, nil)
	if err != nil || len(rep.Errors) != 0 {
		t.Fatal(err, rep.Errors)
	}
	var names []string
	by := map[string]filelock.LockInfo{}
	for _, l := range rep.Locks {
		rel, _ := filepath.Rel(d, l.LockPath)
		names = append(names, rel)
		by[rel] = l
	}
	want := []string{"Cargo.lock", "held.lock", "sub/dead.lock", "sub/deeper/odd.lock"}
	if strings.Join(names, ",") != strings.Join(want, ",") || !sort.StringsAreSorted(names) {
		t.Fatal(names)
	}
	if !by["Cargo.lock"].Foreign || by["held.lock"].Holder != filelock.HolderAlive ||
		by["sub/dead.lock"].PID != dead || by["sub/dead.lock"].Holder != filelock.HolderDead ||
		by["sub/deeper/odd.lock"].RecordValid {
		t.Fatalf("%+v", by)
	}
	if top, _ := filelock.Scan(d, &filelock.ScanOptions{TopOnly: true}); len(top.Locks) != 2 {
		t.Fatal(len(top.Locks))
	}
	dry, err := filelock.CleanupStale(d, 0, &filelock.ScanOptions{DryRun: true})
	if err != nil || !dry.DryRun || dry.Removed != 1 {
		t.Fatalf("%+v %v", dry, err)
	}
	if _, err := os.Stat(filepath.Join(d, "sub", "dead.lock")); err != nil {
		t.Fatal("a dry run removed it")
	}
	real, _ := filelock.CleanupStale(d, 0, nil)
	if real.Removed != 1 {
		t.Fatalf("%+v", real)
	}
	for _, kept := range []string{"held.lock", "Cargo.lock", "sub/deeper/odd.lock"} {
		if _, err := os.Stat(filepath.Join(d, kept)); err != nil {
			t.Fatalf("%s must be left alone", kept)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(d, "Cargo.lock")); string(b) != "# not ours\n" {
		t.Fatal("foreign file changed")
	}
}

func TestBatchSurvivesAPanickingFunc(t *testing.T) {
	d := t.TempDir()
	var paths []string
	for i := 0; i < 6; i++ {
		paths = append(paths, filepath.Join(d, "f"+string(rune('0'+i))))
	}
	b, err := filelock.NewBatch(nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Workers(3)
	var progress int32
	_ = b.OnProgress(func(done, total int) { atomic.AddInt32(&progress, 1) })
	var ran int32
	res, err := b.Run(paths, func(path string) error {
		atomic.AddInt32(&ran, 1)
		if locked, _ := filelock.IsLocked(path); !locked {
			return errors.New("not under its lock")
		}
		switch filepath.Base(path) {
		case "f2":
			panic("boom on f2")
		case "f4":
			return errors.New("cannot read f4")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ran != 6 || res.Done != 4 || res.Failed != 2 || progress != 6 {
		t.Fatalf("ran %d %+v progress %d", ran, res, progress)
	}
	r2, r4 := res.Items[2], res.Items[4]
	if r2.Status != filelock.FileFailed || r2.Code != filelock.FuncPanicked || r2.Err == nil || !strings.Contains(r2.Err.Error(), "boom on f2") {
		t.Fatalf("%+v", r2)
	}
	if r4.Code != filelock.FuncFailed || r4.Err.Error() != "cannot read f4" {
		t.Fatalf("%+v", r4)
	}
	if res.Items[0].Path != paths[0] || res.Items[0].Status != filelock.FileDone {
		t.Fatalf("%+v", res.Items[0])
	}
}

func TestBatchSkipsLockedFilesAndStops(t *testing.T) {
	d := t.TempDir()
	paths := []string{filepath.Join(d, "g0"), filepath.Join(d, "g1"), filepath.Join(d, "g2"), filepath.Join(d, "g3")}
	held := filelock.NewForTarget(paths[1])
	_ = held.Lock()
	defer held.Unlock()
	cfg, _ := filelock.ParseConfig("file_locking:\n  timeout_seconds: 0\n  retry_attempts: 0\n  cleanup_stale_locks: false\n", "t.yaml")
	b, _ := filelock.NewBatch(cfg)
	_ = b.Workers(1)
	_ = b.SkipLocked(true)
	res, _ := b.Run(paths, func(string) error { return nil })
	if res.Items[1].Status != filelock.FileSkipped || res.Done != 3 {
		t.Fatalf("%+v", res)
	}
	b2, _ := filelock.NewBatch(cfg)
	_ = b2.Workers(1)
	res, _ = b2.Run(paths[2:], func(string) error { return b2.Stop() })
	if res.Items[0].Status != filelock.FileDone || res.Items[1].Status != filelock.FileCancelled {
		t.Fatalf("%+v", res.Items)
	}
	one, _ := b2.RunOne(paths[1], func(string) error { return nil })
	if one.Status != filelock.FileLockedOut {
		t.Fatalf("%+v", one)
	}
}

func TestLogMessagesReachTheHandler(t *testing.T) {
	var got atomic.Value
	filelock.SetLogHandler(func(level int, msg string) {
		if level == filelock.LogInfo && strings.Contains(msg, "waiting for") {
			got.Store(msg)
		}
	})
	defer filelock.SetLogHandler(nil)
	_ = filelock.SetLogLevel(filelock.LogInfo)
	defer filelock.SetLogLevel(filelock.LogWarn)
	p := filepath.Join(t.TempDir(), "log.lock")
	a := filelock.New(p)
	_ = a.Lock()
	defer a.Unlock()
	_ = filelock.New(p, filelock.WithTimeout(20*time.Millisecond)).Lock()
	if m, _ := got.Load().(string); !strings.Contains(m, "log.lock") {
		t.Fatalf("no waiting message: %q", m)
	}
}
