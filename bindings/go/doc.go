// Package filelock is the Go binding of libfilelock: cross-process file
// locks with stale-holder detection, through cgo over the library's C API
// (found with `pkg-config filelock`).
//
// # Switching from gofrs/flock
//
// Flock has gofrs/flock's methods and meanings, so code written for it
// needs only a different import and constructor:
//
//	gofrs/flock                          filelock
//	-----------                          --------
//	flock.New(path)                      filelock.New(path)            same file, kept, no record, mode 0600
//	flock.New(path, flock.SetFlag(f))    filelock.New(path, filelock.SetFlag(f))    accepted, ignored
//	flock.SetPermissions(0o644)          filelock.SetPermissions(0o644)
//	f.Lock() / f.RLock()                 the same; event-driven wait
//	f.TryLock() / f.TryRLock()           the same: (false, nil) when busy
//	f.TryLockContext(ctx, retryDelay)    the same; woken by release or ctx, not by polling every retryDelay
//	f.Unlock() / f.Close()               the same
//	f.Locked() / f.RLocked()             the same
//	f.Path() / f.String() / f.Stat()     the same
//	-                                    filelock.NewForTarget(target): <target>.lock with a PID record, removed on release
//	-                                    IsLocked, HolderPID, Info, IsStale, Scan, CleanupStale, Batch, Config
//
// Differences: a Flock refuses (ErrUnsafe) to lock through a symlink, a
// FIFO, or a file with several hard links; a Flock switching mode (RLock
// while exclusively locked) releases and then waits, and reports only the
// new mode from Locked/RLocked (gofrs/flock converts on the descriptor and
// leaves Locked true).
//
// # Goroutines
//
// Goroutines are not threads: two goroutines with separate Flocks on one
// file exclude each other and wait, whichever OS threads they run on; the
// library's per-thread deadlock check is off for every Flock.  A Flock's
// methods may be called from several goroutines.
//
// # Errors
//
// Library failures are *Error values carrying the code, the library's
// message and the syscall.Errno; errors.Is matches the sentinel of the
// code (ErrBusy, ErrTimeout, ErrUnsafe, ErrNotFound, ...) and, through the
// Errno, fs.ErrNotExist, fs.ErrPermission and the like.
package filelock
