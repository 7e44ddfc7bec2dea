package filelock_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"filelock"
)

// The etcd backend through the Go API, against the member run_tests.py
// starts (LIBFILELOCK_ETCD_URL).
func etcdURL(t *testing.T) string {
	u := os.Getenv("LIBFILELOCK_ETCD_URL")
	if u == "" {
		t.Skip("LIBFILELOCK_ETCD_URL is not set (run_tests.py starts a member)")
	}
	return u
}

func TestEtcdFlocksExcludeEachOtherAndTokensGrow(t *testing.T) {
	url := etcdURL(t)
	a := filelock.NewForTarget("go-job", filelock.WithBackend(url), filelock.WithLeaseTTL(5*time.Second))
	b := filelock.NewForTarget("go-job", filelock.WithBackend(url))
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	t1, err := a.FencingToken()
	if err != nil || t1 <= 0 {
		t.Fatalf("token %d %v", t1, err)
	}
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("second TryLock: %v %v", ok, err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock after release: %v %v", ok, err)
	}
	if t2, err := b.FencingToken(); err != nil || t2 <= t1 {
		t.Fatalf("token %d after %d: %v", t2, t1, err)
	}
	b.Unlock()
	if _, err := b.FencingToken(); !errors.Is(err, filelock.ErrInvalid) {
		t.Fatalf("token when not held: %v", err)
	}
}

func TestEtcdDownIsUnavailableAndLockFilesHaveNoToken(t *testing.T) {
	etcdURL(t)
	down := filelock.NewForTarget("n", filelock.WithBackend("etcd://127.0.0.1:9/x"), filelock.WithTimeout(2*time.Second))
	if err := down.Lock(); !errors.Is(err, filelock.ErrUnavailable) {
		t.Fatalf("Lock with etcd down: %v", err)
	}
	f := filelock.NewForTarget(t.TempDir() + "/t")
	if err := f.Lock(); err != nil {
		t.Fatal(err)
	}
	defer f.Unlock()
	if _, err := f.FencingToken(); !errors.Is(err, filelock.ErrNotSupported) {
		t.Fatalf("lock file token: %v", err)
	}
	if err := f.Check(); err != nil {
		t.Fatalf("lock file check: %v", err)
	}
}
