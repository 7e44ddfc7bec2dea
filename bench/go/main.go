// Command filelockbench measures what the Go binding adds to the C library.
//
//  1. Uncontended Lock + Unlock cycles in one process, rounds interleaved in
//     rotating order, first round discarded: the package's Flock, the C API
//     called directly through cgo with the same options, and gofrs/flock's
//     way (syscall.Flock on a descriptor opened once: the floor).  Median
//     ns per cycle; the binding's target is under 10% over C.
//  2. Two-process hand-off over pipes: the holder waits for the other
//     process to say it is about to lock, sleeps 0.5..2 ms, stamps the
//     monotonic clock, releases; the waiter stamps when its Lock returns and
//     says so before the holder goes on.  p50 / p99 in us.
//
// usage: filelockbench [-dir DIR] [-cycles N] [-rounds R] [-handoffs N]
package main

/*
#cgo pkg-config: filelock
#include <stdlib.h>
#include <time.h>
#include <filelock.h>

static fl_lock *bench_c_lock(const char *path, int explicit)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    if (fl_options_new(&o) != 0) return NULL;
    fl_options_set_deadlock_check(o, 0);
    if (explicit) {
        fl_options_set_write_record(o, 0);
        fl_options_set_create_mode(o, 0600);
        fl_lock_new_file(&l, path, o);
    } else {
        fl_lock_new(&l, path, o);
    }
    fl_options_free(o);
    return l;
}

static long long bench_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
*/
import "C"

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"filelock"
)

type locker interface {
	lock() error
	unlock() error
}

type goLock struct{ f *filelock.Flock }

func (g goLock) lock() error   { return g.f.Lock() }
func (g goLock) unlock() error { return g.f.Unlock() }

type cLock struct{ l *C.fl_lock }

func (c cLock) lock() error {
	if rc := C.fl_acquire(c.l, C.FL_WAIT_FOREVER); rc != 0 {
		return fmt.Errorf("fl_acquire: %d", int(rc))
	}
	return nil
}
func (c cLock) unlock() error {
	if rc := C.fl_release(c.l); rc != 0 {
		return fmt.Errorf("fl_release: %d", int(rc))
	}
	return nil
}

// The floor: what gofrs/flock does once its descriptor is open.
type flockLock struct{ fd int }

func (f flockLock) lock() error   { return syscall.Flock(f.fd, syscall.LOCK_EX) }
func (f flockLock) unlock() error { return syscall.Flock(f.fd, syscall.LOCK_UN) }

var kinds = []string{"go-target", "c-target", "go-file", "c-file", "flock"}

var labels = map[string]string{
	"go-target": "NewForTarget (record, removed on release)",
	"c-target":  "C fl_lock_new, same options",
	"go-file":   "New (the file itself, kept, no record)",
	"c-file":    "C fl_lock_new_file, same options",
	"flock":     "floor: syscall.Flock on an open descriptor",
}

func path(dir, tag, kind string) string {
	if strings.HasSuffix(kind, "target") {
		return filepath.Join(dir, tag+"-"+kind)
	}
	return filepath.Join(dir, tag+"-"+kind+".lock")
}

func newLocker(kind, p string) locker {
	switch kind {
	case "go-target":
		return goLock{filelock.NewForTarget(p)}
	case "go-file":
		return goLock{filelock.New(p)}
	case "c-target", "c-file":
		cp := C.CString(p)
		defer C.free(unsafe.Pointer(cp))
		explicit := C.int(0)
		if kind == "c-file" {
			explicit = 1
		}
		l := C.bench_c_lock(cp, explicit)
		if l == nil {
			panic("bench_c_lock")
		}
		return cLock{l}
	case "flock":
		fd, err := syscall.Open(p, syscall.O_CREAT|syscall.O_RDONLY|syscall.O_CLOEXEC, 0o600)
		if err != nil {
			panic(err)
		}
		return flockLock{fd}
	}
	panic(kind)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}

func uncontended(dir string, cycles, rounds int) map[string]float64 {
	ls := map[string]locker{}
	for _, k := range kinds {
		ls[k] = newLocker(k, path(dir, "u", k))
	}
	per := map[string][]float64{}
	for r := 0; r <= rounds; r++ {
		for i := range kinds {
			k := kinds[(i+r)%len(kinds)]
			l := ls[k]
			t := time.Now()
			for c := 0; c < cycles; c++ {
				must(l.lock())
				must(l.unlock())
			}
			if r > 0 {
				per[k] = append(per[k], float64(time.Since(t).Nanoseconds())/float64(cycles))
			}
		}
	}
	out := map[string]float64{}
	for k, v := range per {
		out[k] = median(v)
	}
	return out
}

func side(l locker, n, me int, rx *bufio.Reader, tx *bufio.Writer) []float64 {
	var lat []float64
	line := func() string { s, err := rx.ReadString('\n'); must(err); return strings.TrimSpace(s) }
	send := func(s string) { _, _ = tx.WriteString(s + "\n"); must(tx.Flush()) }
	for i := 0; i < n; i++ {
		if i%2 == me {
			if line() != "w" {
				panic("protocol")
			}
			time.Sleep(time.Duration(500+rand.Intn(1500)) * time.Microsecond)
			t := int64(C.bench_mono_ns())
			must(l.unlock())
			send(strconv.FormatInt(t, 10))
			if line() != "g" {
				panic("protocol")
			}
		} else {
			send("w")
			must(l.lock())
			got := int64(C.bench_mono_ns())
			send("g")
			t, err := strconv.ParseInt(line(), 10, 64)
			must(err)
			if i > 1 {
				lat = append(lat, float64(got-t)/1000)
			}
		}
	}
	return lat
}

func handoff(dir, kind string, n int) (float64, float64) {
	p := path(dir, "h", kind)
	l := newLocker(kind, p)
	must(l.lock())
	cmd := exec.Command(os.Args[0], "-child", kind, "-path", p, "-handoffs", strconv.Itoa(n))
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	must(cmd.Start())
	rx, tx := bufio.NewReader(out), bufio.NewWriter(in)
	lat := side(l, n, 0, rx, tx)
	rest, err := rx.ReadString('\n')
	must(err)
	for _, f := range strings.Fields(rest) {
		v, _ := strconv.ParseFloat(f, 64)
		lat = append(lat, v)
	}
	in.Close()
	must(cmd.Wait())
	_ = l.unlock()
	sort.Float64s(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}

func child(kind, p string, n int) {
	l := newLocker(kind, p)
	rx, tx := bufio.NewReader(os.Stdin), bufio.NewWriter(os.Stdout)
	lat := side(l, n, 1, rx, tx)
	var s []string
	for _, v := range lat {
		s = append(s, strconv.FormatFloat(v, 'f', 3, 64))
	}
	_, _ = tx.WriteString(strings.Join(s, " ") + "\n")
	must(tx.Flush())
	_, _ = rx.ReadString('\n') // until the parent closes
	if n%2 == 1 {
		_ = l.unlock()
	}
}

func main() {
	dirFlag := flag.String("dir", "", "directory for the lock files (default: a new one under /tmp)")
	cycles := flag.Int("cycles", 2000, "cycles per round")
	rounds := flag.Int("rounds", 15, "rounds")
	handoffs := flag.Int("handoffs", 300, "hand-offs per variant")
	childKind := flag.String("child", "", "internal: run the hand-off's other side")
	childPath := flag.String("path", "", "internal")
	flag.Parse()
	if *childKind != "" {
		child(*childKind, *childPath, *handoffs)
		return
	}
	dir := *dirFlag
	if dir == "" {
		d, err := os.MkdirTemp("", "filelockbench.")
		must(err)
		defer os.RemoveAll(d)
		dir = d
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("filelockbench  libfilelock %s  cycles %d x %d rounds  hand-offs %d  loadavg %s  dir %s\n",
		filelock.LibraryVersion(), *cycles, *rounds, *handoffs, strings.Fields(string(load) + " ?")[0], dir)

	u := uncontended(dir, *cycles, *rounds)
	fmt.Printf("\n1. uncontended Lock + Unlock, median ns per cycle\n%-44s %10s %10s\n", "", "ns/cycle", "vs C")
	for _, k := range kinds {
		vs := map[string]string{"go-target": "c-target", "go-file": "c-file"}[k]
		if vs != "" {
			fmt.Printf("%-44s %10.0f %9.3fx\n", labels[k], u[k], u[k]/u[vs])
		} else {
			fmt.Printf("%-44s %10.0f\n", labels[k], u[k])
		}
	}
	fmt.Printf("binding overhead (target < 10%%): target %+.1f%%, file %+.1f%%\n",
		(u["go-target"]/u["c-target"]-1)*100, (u["go-file"]/u["c-file"]-1)*100)

	fmt.Printf("\n2. two-process hand-off, us (holder's release stamp -> waiter holds)\n%-44s %10s %10s\n", "", "p50", "p99")
	for _, k := range kinds {
		p50, p99 := handoff(dir, k, *handoffs)
		fmt.Printf("%-44s %10.1f %10.1f\n", labels[k], p50, p99)
	}
}
