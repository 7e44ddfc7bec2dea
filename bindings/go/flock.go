package filelock

/*
#include <filelock.h>
*/
import "C"

import (
	"context"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"
)

// Option configures a Flock.
type Option func(*settings)

type settings struct {
	perm     *fs.FileMode
	chmod    *fs.FileMode
	keep     *bool
	record   *bool
	tag      *string
	lockDir  *string
	timeout  *time.Duration
	poll     *time.Duration
	config   *Config
	shared   *bool
	backend  *string
	leaseTTL *time.Duration
	openFlag int
}

// SetFlag is accepted for gofrs/flock compatibility and otherwise ignored:
// the library opens the lock file itself (creating it if needed, read-only
// for a directory), never following a symlink.
func SetFlag(flag int) Option { return func(s *settings) { s.openFlag = flag } }

// SetPermissions sets the mode a new lock file is created with (the umask
// applies; an existing file is never changed).  New's default is 0600, as
// in gofrs/flock; NewForTarget's is 0644.
func SetPermissions(perm fs.FileMode) Option { return func(s *settings) { s.perm = &perm } }

// WithFileMode sets permission bits applied to a lock file this Flock
// creates once it is held, so the umask does not narrow them.
func WithFileMode(mode fs.FileMode) Option { return func(s *settings) { s.chmod = &mode } }

// WithKeep keeps the lock file on release (true: New's default) or removes
// it (false: NewForTarget's default).
func WithKeep(keep bool) Option { return func(s *settings) { s.keep = &keep } }

// WithRecord writes the holder's PID record into the lock file (true:
// NewForTarget's default) or leaves it empty (false: New's default).
// Without a record, a kept file's bytes are never touched.
func WithRecord(record bool) Option { return func(s *settings) { s.record = &record } }

// WithTag labels the record (`tag=`, at most 256 bytes, no newline).
func WithTag(tag string) Option { return func(s *settings) { s.tag = &tag } }

// WithLockDir puts NewForTarget's lock files in dir instead of beside
// their targets.
func WithLockDir(dir string) Option { return func(s *settings) { s.lockDir = &dir } }

// WithTimeout makes Lock and RLock give up after d with ErrTimeout (rounded
// up to whole milliseconds).  The default is to wait as long as it takes.
func WithTimeout(d time.Duration) Option { return func(s *settings) { s.timeout = &d } }

// WithPollInterval caps the gap between checks while waiting: a safety net
// behind the file-system events that wake waiters (default 0.5 s).
func WithPollInterval(d time.Duration) Option { return func(s *settings) { s.poll = &d } }

// WithShared(true) makes Lock, TryLock and TryLockContext take a shared
// lock, as RLock and its kin always do (for a configuration that says
// `shared: true`).  The default is exclusive.
func WithShared(shared bool) Option { return func(s *settings) { s.shared = &shared } }

// WithBackend chooses where the lock lives: "file" (lock files, the
// default) or an etcd cluster, "etcd://host:2379,host:2379/prefix"
// ("etcds://" for TLS).  With etcd the path is the lock's name, the same
// string on every host, and nothing is created on disk (docs/etcd.md).
func WithBackend(url string) Option { return func(s *settings) { s.backend = &url } }

// WithLeaseTTL is etcd's lease time to live (1 s to 1 day, whole seconds,
// default 10 s): a holder that stops renewing loses the lock this long
// after its last renewal.  Lock files ignore it.
func WithLeaseTTL(d time.Duration) Option { return func(s *settings) { s.leaseTTL = &d } }

// WithConfig starts from a loaded configuration's lock settings: its
// timeout (for Lock and RLock), poll interval, shared mode (as
// WithShared), file mode, removal, lock directory and tag.  Options given
// after it override them.
func WithConfig(cfg *Config) Option { return func(s *settings) { s.config = cfg } }

// Flock is a cross-process lock, with the methods and meanings of
// gofrs/flock's Flock.  Its methods are safe for concurrent use by
// multiple goroutines.  Two Flocks on one file exclude each other, whether
// they are in two processes or in two goroutines of one, whichever OS
// threads those goroutines run on.
type Flock struct {
	m         sync.Mutex
	path      string
	explicit  bool
	initErr   error
	base      *C.fl_options
	cancel    *C.fl_cancel
	ex, sh    *C.fl_lock
	poll      time.Duration
	timeoutMs int64
	shared    bool // the mode of Lock, TryLock and TryLockContext
	l, r      bool
}

const defaultPoll = 500 * time.Millisecond

// New returns a lock on the file at path itself, as gofrs/flock does: the
// file is created if missing (mode 0600), kept on Unlock, and no record is
// written into it.  An existing directory can be locked too.  Nothing is
// touched until a Lock call; errors about the path come from it.
func New(path string, opts ...Option) *Flock {
	keep, record, perm := true, false, fs.FileMode(0o600)
	s := settings{keep: &keep, record: &record, perm: &perm}
	for _, o := range opts {
		o(&s)
	}
	return build(path, true, &s)
}

// NewFlock is New without options (gofrs/flock's older name).
func NewFlock(path string) *Flock { return New(path) }

// NewForTarget returns a lock on target through the protocol's lock file
// `<target>.lock` beside it (or in WithLockDir's directory), with the
// holder's PID record, removed on release.  The target need not exist.
// Path reports the lock file.
func NewForTarget(target string, opts ...Option) *Flock {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	return build(target, false, &s)
}

func build(path string, explicit bool, s *settings) *Flock {
	f := &Flock{path: path, explicit: explicit, poll: defaultPoll, timeoutMs: int64(C.FL_WAIT_FOREVER)}
	runtime.SetFinalizer(f, (*Flock).free)
	if f.initErr = noNUL(path); f.initErr == nil {
		f.initErr = f.setup(s)
	}
	return f
}

func ms(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

func (f *Flock) setup(s *settings) error {
	var err error
	if s.config != nil {
		if _, err = call(func() C.int { return C.fl_config_make_options(s.config.c, &f.base) }); err != nil {
			return err
		}
		t, err := s.config.Duration("timeout_seconds")
		if err != nil {
			return err
		}
		f.timeoutMs = ms(t)
		if p, err := s.config.Duration("poll_interval_seconds"); err == nil {
			f.poll = p
		}
		if sh, err := s.config.Bool("shared"); err == nil {
			f.shared = sh
		}
	} else if _, err = call(func() C.int { return C.fl_options_new(&f.base) }); err != nil {
		return err
	}
	if s.timeout != nil {
		f.timeoutMs = ms(*s.timeout)
	}
	if s.poll != nil {
		f.poll = *s.poll
	}
	if s.shared != nil {
		f.shared = *s.shared
	}
	o := f.base
	steps := []func() C.int{
		// Goroutines are not threads: a second Flock waits like another process.
		func() C.int { return C.fl_options_set_deadlock_check(o, 0) },
		func() C.int { return C.fl_options_set_defer_path_errors(o, flag(f.explicit)) },
	}
	if s.keep != nil {
		keep := *s.keep
		steps = append(steps, func() C.int { return C.fl_options_set_remove_on_release(o, flag(!keep)) })
	}
	if s.record != nil {
		rec := *s.record
		steps = append(steps, func() C.int { return C.fl_options_set_write_record(o, flag(rec)) })
	}
	if s.perm != nil {
		p := *s.perm
		steps = append(steps, func() C.int { return C.fl_options_set_create_mode(o, C.uint32_t(p.Perm())) })
	}
	if s.chmod != nil {
		p := *s.chmod
		steps = append(steps, func() C.int { return C.fl_options_set_file_mode(o, C.uint32_t(p.Perm())) })
	}
	if s.tag != nil {
		t := *s.tag
		steps = append(steps, func() C.int { c := cstr(t); defer free(c); return C.fl_options_set_tag(o, c) })
	}
	if s.lockDir != nil {
		d := *s.lockDir
		steps = append(steps, func() C.int { c := cstr(d); defer free(c); return C.fl_options_set_lock_dir(o, c) })
	}
	if s.backend != nil {
		b := *s.backend
		steps = append(steps, func() C.int { c := cstr(b); defer free(c); return C.fl_options_set_backend(o, c) })
	}
	if s.leaseTTL != nil {
		t := ms(*s.leaseTTL)
		steps = append(steps, func() C.int { return C.fl_options_set_lease_ttl_ms(o, C.int64_t(t)) })
	}
	steps = append(steps,
		func() C.int { return C.fl_cancel_new(&f.cancel) },
		func() C.int { return C.fl_options_set_cancel(o, f.cancel) })
	for _, step := range steps {
		if _, err = call(step); err != nil {
			return err
		}
	}
	if f.ex, err = f.handle(false); err != nil {
		return err
	}
	f.sh, err = f.handle(true)
	return err
}

// handle makes a C handle for one mode with the current poll interval.
func (f *Flock) handle(shared bool) (*C.fl_lock, error) {
	var o *C.fl_options
	var h *C.fl_lock
	if _, err := call(func() C.int { return C.fl_options_clone(&o, f.base) }); err != nil {
		return nil, err
	}
	defer C.fl_options_free(o)
	poll := ms(f.poll)
	if poll < 1 {
		poll = 1
	}
	p := cstr(f.path)
	defer free(p)
	_, err := call(func() C.int {
		if rc := C.fl_options_set_shared(o, flag(shared)); rc < 0 {
			return rc
		}
		if rc := C.fl_options_set_poll_interval_ms(o, C.int64_t(poll)); rc < 0 {
			return rc
		}
		if f.explicit {
			return C.fl_lock_new_file(&h, p, o)
		}
		return C.fl_lock_new(&h, p, o)
	})
	return h, err
}

func (f *Flock) free() {
	C.fl_lock_free(f.ex)
	C.fl_lock_free(f.sh)
	C.fl_options_free(f.base)
	C.fl_cancel_free(f.cancel)
	f.ex, f.sh, f.base, f.cancel = nil, nil, nil, nil
}

func (f *Flock) held(shared bool) bool {
	if shared {
		return f.r
	}
	return f.l
}

// take locks in one mode; f.m is held.  Locking in the mode held already
// does nothing; locking in the other mode releases first (not atomic, as
// with flock(2) conversions).
func (f *Flock) take(shared bool, timeoutMs int64) (C.int, error) {
	if f.initErr != nil {
		return C.FL_EINVAL, f.initErr
	}
	if f.held(shared) {
		return 0, nil
	}
	if f.l || f.r {
		if err := f.release(); err != nil {
			return C.FL_EINVAL, err
		}
	}
	h := f.ex
	if shared {
		h = f.sh
	}
	rc, err := call(func() C.int { return C.fl_acquire(h, C.int64_t(timeoutMs)) })
	if err == nil {
		if shared {
			f.r = true
		} else {
			f.l = true
		}
	}
	return rc, err
}

func (f *Flock) release() error {
	h := f.ex
	if f.r {
		h = f.sh
	}
	f.l, f.r = false, false
	_, err := call(func() C.int { return C.fl_release(h) })
	return err
}

// Lock takes the exclusive lock (shared with WithShared), waiting as long
// as it takes (or up to WithTimeout's limit: ErrTimeout).  A Lock while it
// is held does nothing.
func (f *Flock) Lock() error {
	f.m.Lock()
	defer f.m.Unlock()
	_, err := f.take(f.shared, f.timeoutMs)
	return err
}

// RLock takes a shared lock, waiting as long as it takes.
func (f *Flock) RLock() error {
	f.m.Lock()
	defer f.m.Unlock()
	_, err := f.take(true, f.timeoutMs)
	return err
}

func (f *Flock) try(shared bool) (bool, error) {
	f.m.Lock()
	defer f.m.Unlock()
	rc, err := f.take(shared, 0)
	if rc == C.FL_EBUSY {
		return false, nil
	}
	return err == nil, err
}

// TryLock makes one attempt at the exclusive lock: (false, nil) when it is
// held elsewhere.
func (f *Flock) TryLock() (bool, error) { return f.try(f.shared) }

// TryRLock makes one attempt at a shared lock.
func (f *Flock) TryRLock() (bool, error) { return f.try(true) }

// TryLockContext waits for the exclusive lock until ctx is done: (false,
// ctx.Err()) then.  The wait is woken by the release itself and by ctx's
// cancellation or deadline, not by polling; retryDelay only caps the
// safety-net interval between checks.
func (f *Flock) TryLockContext(ctx context.Context, retryDelay time.Duration) (bool, error) {
	return f.tryContext(ctx, f.shared, retryDelay)
}

// TryRLockContext waits for a shared lock until ctx is done.
func (f *Flock) TryRLockContext(ctx context.Context, retryDelay time.Duration) (bool, error) {
	return f.tryContext(ctx, true, retryDelay)
}

func (f *Flock) tryContext(ctx context.Context, shared bool, retryDelay time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	f.m.Lock()
	defer f.m.Unlock()
	if f.initErr != nil {
		return false, f.initErr
	}
	if f.held(shared) {
		return true, nil
	}
	if retryDelay > 0 && retryDelay < f.poll {
		if err := f.setPoll(retryDelay); err != nil {
			return false, err
		}
	}
	timeout := int64(C.FL_WAIT_FOREVER)
	if dl, ok := ctx.Deadline(); ok {
		timeout = ms(time.Until(dl))
		if timeout < 1 {
			timeout = 1
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ctx.Done():
			C.fl_cancel_fire(f.cancel)
		case <-stop:
		}
	}()
	rc, err := f.take(shared, timeout)
	close(stop)
	<-done
	C.fl_cancel_reset(f.cancel)
	switch {
	case err == nil:
		return true, nil
	case rc == C.FL_ECANCELED || rc == C.FL_ETIMEDOUT:
		if e := ctx.Err(); e != nil {
			return false, e
		}
		if rc == C.FL_ETIMEDOUT {
			return false, context.DeadlineExceeded
		}
		return false, context.Canceled
	default:
		return false, err
	}
}

// setPoll remakes the handles that are not held with a new poll interval.
func (f *Flock) setPoll(d time.Duration) error {
	old := f.poll
	f.poll = d
	for _, shared := range []bool{false, true} {
		if f.held(shared) {
			continue
		}
		h, err := f.handle(shared)
		if err != nil {
			f.poll = old
			return err
		}
		if shared {
			C.fl_lock_free(f.sh)
			f.sh = h
		} else {
			C.fl_lock_free(f.ex)
			f.ex = h
		}
	}
	return nil
}

// Unlock releases the lock (removing the lock file if so configured).
// Unlocking a Flock that is not locked is not an error.
func (f *Flock) Unlock() error {
	f.m.Lock()
	defer f.m.Unlock()
	if !f.l && !f.r {
		return nil
	}
	return f.release()
}

// heldHandle is the handle that holds the lock now (nil when none).
func (f *Flock) heldHandle() *C.fl_lock {
	switch {
	case f.l:
		return f.ex
	case f.r:
		return f.sh
	}
	return nil
}

// FencingToken is the held lock's fencing token: larger for every later
// holder of the same lock (etcd: the holder key's create revision).  Send
// it with each write to what the lock protects, and have that refuse
// tokens below the highest it has seen (docs/etcd.md).  ErrNotSupported
// for lock files, ErrInvalid when not held.
func (f *Flock) FencingToken() (int64, error) {
	f.m.Lock()
	defer f.m.Unlock()
	h := f.heldHandle()
	if h == nil {
		return 0, newError(-5, "fencing token of "+f.path+": not held", 0)
	}
	var t C.int64_t
	_, err := call(func() C.int { return C.fl_lock_fencing_token(h, &t) })
	return int64(t), err
}

// Check asks the backend, in one round trip, whether the lock is still
// held: ErrLost when its lease expired (etcd) or its lock file was removed
// or replaced, ErrUnavailable when etcd could not answer.
func (f *Flock) Check() error {
	f.m.Lock()
	defer f.m.Unlock()
	h := f.heldHandle()
	if h == nil {
		return newError(-5, "check of "+f.path+": not held", 0)
	}
	_, err := call(func() C.int { return C.fl_lock_check(h) })
	return err
}

// Close is Unlock, as in gofrs/flock.  The Flock may be locked again.
func (f *Flock) Close() error { return f.Unlock() }

// Locked reports whether this Flock holds the exclusive lock.
func (f *Flock) Locked() bool {
	f.m.Lock()
	defer f.m.Unlock()
	return f.l
}

// RLocked reports whether this Flock holds a shared lock.
func (f *Flock) RLocked() bool {
	f.m.Lock()
	defer f.m.Unlock()
	return f.r
}

// Path is the file this Flock locks: the path given to New, or the lock
// file of NewForTarget's target.
func (f *Flock) Path() string {
	if f.explicit || f.ex == nil {
		return f.path
	}
	p := C.GoString(C.fl_lock_path(f.ex))
	runtime.KeepAlive(f)
	return p
}

// Target is NewForTarget's target ("" for New).
func (f *Flock) Target() string {
	if f.explicit {
		return ""
	}
	return f.path
}

// String is Path.
func (f *Flock) String() string { return f.Path() }

// Stat describes the lock file (os.Stat of Path).
func (f *Flock) Stat() (fs.FileInfo, error) { return os.Stat(f.Path()) }
