/*
 * filelock.h - cross-process file locking with stale-holder detection.
 *
 * This is the only public header of libfilelock and its whole contract.
 * It depends on <stddef.h> and <stdint.h> only and compiles as C99 and C++.
 *
 * A lock protects a *target* file through a *lock file* beside it
 * ("<target>.lock"), which carries an OS lock (flock(2) on POSIX, LockFileEx
 * on Windows: docs/windows.md) and a small text record naming the holder.  The on-disk protocol is documented in
 * docs/PROTOCOL.md; every process that uses the same lock files must follow it.
 *
 * Conventions used throughout:
 *  - Every function returns an int: FL_OK (0) on success, a negative FL_E*
 *    code on failure.  Predicates return 1 (true), 0 (false) or a negative
 *    code.  fl_strerror() names a code; fl_last_error_message() explains the
 *    last failure on the calling thread (path and OS error included).
 *  - Constructors are `int fl_x_new(fl_x **out, ...)`; every `fl_x_free()`
 *    accepts NULL.  Whatever the library allocates for the caller is freed by
 *    the named fl_*_free function, never by free().
 *  - Times are int64_t milliseconds (suffix _ms) or microseconds (_us).
 *    PIDs are int64_t.
 *  - Output structs start with `size_t struct_size`, set by the library to the
 *    size it filled; fields may be appended in later versions.
 *  - No function installs a signal handler, calls exit()/abort(), or lets an
 *    exception escape.  A NULL or foreign handle gives FL_EINVAL.
 *
 * Threads and ownership, everywhere below unless a function says otherwise:
 * every function may be called from any thread; one object (lock handle,
 * options, batch, config) is used by one thread at a time; distinct objects
 * may be used concurrently.  The exceptions are made to be called while
 * another thread waits: fl_cancel_fire() and fl_batch_cancel().  A lock belongs to the process that created the
 * handle (a forked child gets FL_EFORKED and keeps none of its parent's
 * locks) and, for the same-thread deadlock check, to the thread that
 * acquired it until it is released.  Strings and structs the library returns
 * are freed by the named fl_*_free function; borrowed pointers say how long
 * they live.
 */
#ifndef FILELOCK_H
#define FILELOCK_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(FILELOCK_STATIC) /* linking the static library */
#  define FL_API
#elif defined(_WIN32)
#  if defined(FILELOCK_BUILDING)
#    define FL_API __declspec(dllexport)
#  else
#    define FL_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define FL_API __attribute__((visibility("default")))
#else
#  define FL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Version                                                                   */
/* ======================================================================== */

#define FL_LIB_VERSION_MAJOR 1
#define FL_LIB_VERSION_MINOR 2
#define FL_LIB_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH */
#define FL_LIB_VERSION_NUMBER 10200
#define FL_LIB_VERSION_STRING "1.2.0"

/**
 * @brief Version of the library actually loaded (may differ from the header).
 * @return FL_LIB_VERSION_NUMBER of the loaded library.
 * Thread safety: safe.  @since 1.0
 */
FL_API int fl_version_number(void);

/**
 * @brief Version string of the loaded library, e.g. "1.0.0".
 * Ownership: static storage, never freed.  Thread safety: safe.  @return never NULL.
 * @since 1.0
 */
FL_API const char *fl_version_string(void);

/* ======================================================================== */
/* Errors                                                                    */
/* ======================================================================== */

/*
 * Every code with its pinned value and its text.  Values are never
 * renumbered or reused.  FL_EBUSY and FL_ETIMEDOUT mean contention (try
 * again later); the others are permanent for the given input.
 */
#define FL_ERROR_LIST(X)                                                          \
    X(FL_OK,        0,   "success")                                               \
    X(FL_EBUSY,     -1,  "lock is held by another holder")                        \
    X(FL_ETIMEDOUT, -2,  "timed out waiting for the lock")                        \
    X(FL_EDEADLK,   -3,  "lock already held by this thread through another handle") \
    X(FL_EFORKED,   -4,  "handle belongs to the parent process (used after fork)") \
    X(FL_EINVAL,    -5,  "invalid argument")                                      \
    X(FL_ENOENT,    -6,  "no such file or directory")                             \
    X(FL_EPERM,     -7,  "permission denied")                                     \
    X(FL_EUNSAFE,   -8,  "lock path is a symlink or not a regular file")          \
    X(FL_EIO,       -9,  "input/output error")                                    \
    X(FL_ENOTSUP,   -10, "locking not supported on this file system")             \
    X(FL_ENOMEM,    -11, "out of memory")                                         \
    X(FL_EINTERNAL, -12, "internal error")                                        \
    X(FL_ECONFIG,   -13, "invalid configuration")                                 \
    X(FL_ECANCELED, -14, "operation cancelled")                                   \
    X(FL_ELOST,     -15, "lock was lost (its lease expired or its lock file went)") \
    X(FL_EUNAVAIL,  -16, "lock service unavailable")

#define FL_ERROR_ENUM_ENTRY_(name, value, text) name = value,
/** Return codes.  Do not rely on the set being closed: new codes may be added. */
typedef enum fl_error { FL_ERROR_LIST(FL_ERROR_ENUM_ENTRY_) FL_ERROR_LAST_ = -17 } fl_error;
#undef FL_ERROR_ENUM_ENTRY_

/**
 * @brief Short English text for a return code.
 * @return never NULL; "unknown error" for an unknown code.
 * Ownership: static storage.  Thread safety: safe.  @since 1.0
 */
FL_API const char *fl_strerror(int code);

/**
 * @brief Detailed message for the last failing fl_ call on this thread.
 * @return never NULL ("" when there was no failure).  Names the path, the
 *         holder where known, and the OS error text.
 * Ownership: library-owned, valid until the next fl_ call on this thread.
 * Thread safety: per thread.  @since 1.0
 */
FL_API const char *fl_last_error_message(void);

/**
 * @brief The OS error number (errno) behind the last failing fl_ call on this
 *        thread, so that a binding can raise its language's own error
 *        (PermissionError, io::ErrorKind, syscall.Errno): EACCES for a
 *        directory that cannot be written, ENOENT for a missing one,
 *        ENAMETOOLONG, EROFS, ENOLCK, ...  On Windows, the Windows error code
 *        (GetLastError(): ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED, ...).
 * @return the errno value, or 0 when the last failure did not come from the
 *         OS (contention, a timeout, a foreign file at the lock path, an
 *         invalid argument) or nothing failed.
 * Thread safety: per thread, valid until the next fl_ call on it.  @since 1.1
 */
FL_API int fl_last_os_error(void);

/**
 * @brief Free memory the library returned as an owned `char *`.
 * @param p  NULL-safe.  @since 1.0
 */
FL_API void fl_free(void *p);

/* ======================================================================== */
/* Options                                                                   */
/* ======================================================================== */

typedef struct fl_lock fl_lock;
typedef struct fl_options fl_options;

#define FL_WAIT_FOREVER (-1) /**< fl_acquire: no time limit */
#define FL_WAIT_DEFAULT (-2) /**< fl_acquire: the handle's configured timeout */

/**
 * @brief Create options with the defaults: timeout 30 s; poll interval 0.5 s
 *        (the cap of the backoff behind event wake-ups); exclusive; remove
 *        the lock file on release; create mode 0644 (less umask, no fchmod);
 *        no tag; lock file beside the target.
 * @param[out] out  receives the new options.
 * @return FL_OK, FL_EINVAL (out NULL), FL_ENOMEM.
 * Ownership: free with fl_options_free().  Thread safety: an options object
 * may be read by many threads at once but not modified concurrently.
 * @since 1.0
 */
FL_API int fl_options_new(fl_options **out);

/** @brief Free options; NULL-safe.  @since 1.0 */
FL_API void fl_options_free(fl_options *opts);

/**
 * @brief Copy options.  Ownership: free with fl_options_free().  @return FL_OK, FL_EINVAL
 *        (out NULL, opts invalid), FL_ENOMEM.  @since 1.0
 */
FL_API int fl_options_clone(fl_options **out, const fl_options *opts);

/**
 * @brief Default timeout used by fl_acquire(lock, FL_WAIT_DEFAULT).
 * @param timeout_ms  >= 0, or FL_WAIT_FOREVER.  @return FL_OK or FL_EINVAL.
 * @since 1.0
 */
FL_API int fl_options_set_timeout_ms(fl_options *opts, int64_t timeout_ms);

/**
 * @brief Cap of the retry backoff while waiting.  Waiters are woken by file
 *        system events (inotify on Linux) and poll at most this far apart as
 *        a safety net (network file systems deliver no events).
 * @param interval_ms  1 .. 3600000.  @return FL_OK or FL_EINVAL.  @since 1.0
 */
FL_API int fl_options_set_poll_interval_ms(fl_options *opts, int64_t interval_ms);

/**
 * @brief Shared (read) mode: many shared holders at once, none while an
 *        exclusive holder holds.  Shared holders write no record.
 * @param shared  1 shared, 0 exclusive (default).  @return FL_OK, FL_EINVAL (NULL or
 * foreign handle).  @since 1.0
 */
FL_API int fl_options_set_shared(fl_options *opts, int shared);

/**
 * @brief Remove the lock file on release (1, default) or keep it (0).
 *        Removal is safe only when every participant follows the protocol.
 * @return FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_options_set_remove_on_release(fl_options *opts, int remove);

/**
 * @brief Permission bits for a lock file this handle creates; applied with
 *        fchmod after the lock is held, so umask does not narrow them.
 * @param mode  0 .. 07777.  @return FL_OK or FL_EINVAL.  @since 1.0
 */
FL_API int fl_options_set_file_mode(fl_options *opts, uint32_t mode);

/**
 * @brief A label written to the record as `tag=` (<= 256 bytes, no newline
 *        or NUL).  NULL or "" removes it.  @return FL_OK or FL_EINVAL.
 * Ownership: the string is copied.  @since 1.0
 */
FL_API int fl_options_set_tag(fl_options *opts, const char *tag);

/**
 * @brief Put lock files in @p dir instead of beside their targets.  The lock
 *        file of target T is then `<dir>/<basename(T)>.<h>.lock`, where h is
 *        the 16-digit lower-case hex FNV-1a 64 hash of T's absolute path
 *        (its directory resolved with realpath), and the record carries
 *        `target=<absolute path>`.  NULL or "" restores the default.
 * Ownership: the string is copied.  @return FL_OK, FL_EINVAL (NULL or foreign handle),
 * FL_ENOMEM.  @since 1.0
 */
FL_API int fl_options_set_lock_dir(fl_options *opts, const char *dir);

/**
 * @brief The same-thread deadlock check (default on).  With it, an acquire
 *        through a second handle for a lock file that the calling OS thread
 *        already holds through another handle fails at once with
 *        FL_EDEADLK instead of waiting for itself forever.  A lock counts as
 *        held by the thread that acquired it until it is released (from any
 *        thread): a held handle handed to another thread stays attributed
 *        to the acquiring one.  Turn the check off (0) where the OS thread
 *        is not the unit of ownership - goroutines, asyncio tasks, green
 *        threads, a handle held across threads - and a second handle then
 *        waits like another process would.  A forked child starts with no
 *        held locks: its own new handles wait for its parent's.
 * @param enabled  1 (default) or 0.  @return FL_OK or FL_EINVAL.
 * @since 1.1
 */
FL_API int fl_options_set_deadlock_check(fl_options *opts, int enabled);

/**
 * @brief Write a PID record into the lock file (the default, 1), or leave
 *        the file empty (0: the py-filelock habit).  Without a record,
 *        queries and stale cleanup know only whether the file is held; a
 *        crashed holder's lock still ends with it (the OS lock dies with
 *        the process).  An exclusive holder that writes no record and keeps
 *        the file (fl_options_set_remove_on_release(opts, 0)) touches no
 *        byte of it, so it may lock any existing regular file, whatever it
 *        holds.  @return FL_OK, FL_EINVAL (NULL or foreign handle).
 * @since 1.1
 */
FL_API int fl_options_set_write_record(fl_options *opts, int write);

/**
 * @brief The mode a lock file is created with (open(2): the umask applies),
 *        0 .. 07777.  Unlike fl_options_set_file_mode(), an existing lock
 *        file is never fchmod-ed.  The later of the two calls wins.
 * @return FL_OK, FL_EINVAL (mode out of range, NULL or foreign handle).
 * @since 1.1
 */
FL_API int fl_options_set_create_mode(fl_options *opts, uint32_t mode);

/**
 * @brief For fl_lock_new_file(): report a bad path (empty, missing
 *        directory) from the first fl_acquire() instead of from the
 *        constructor (1), as py-filelock does; 0 (the default) reports it
 *        at once.  @return FL_OK, FL_EINVAL (NULL or foreign handle).
 * @since 1.1
 */
FL_API int fl_options_set_defer_path_errors(fl_options *opts, int defer);

/**
 * @brief The lock backend: NULL, "" or "file" (lock files), or an etcd
 *        cluster (since 1.2, docs/etcd.md):
 *        "etcd://[user[:password]@]host[:port][,host[:port]...][/prefix]"
 *        ("etcds://" for TLS, with "?cacert=FILE&cert=FILE&key=FILE").
 *        With etcd, the target path given to fl_lock_new() is the lock's
 *        name as given (the same string on every host), nothing is created
 *        on disk, and each handle holds a lease (fl_options_set_lease_ttl_ms)
 *        whose expiry passes the lock on.  A handle made with a backend this
 *        build lacks fails with FL_ENOTSUP from fl_lock_new(), a bad URL with
 *        FL_EINVAL.
 * @return FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.1
 */
FL_API int fl_options_set_backend(fl_options *opts, const char *backend);

/**
 * @brief Lease time to live for a leased backend (etcd): 1000 .. 86400000
 *        ms, default 10000, rounded up to whole seconds.  A holder that
 *        stops renewing (crashed, paused, cut off) loses the lock this long
 *        after its last acknowledged renewal; renewals go every third of it.
 *        Lock files ignore it.
 * @return FL_OK, FL_EINVAL.  @since 1.2
 */
FL_API int fl_options_set_lease_ttl_ms(fl_options *opts, int64_t ttl_ms);

/**
 * @brief Called when a leased lock (etcd) is lost while held: its lease
 *        expired on the server, or the local deadline (last acknowledged
 *        renewal + TTL) passed without a renewal.  Runs once per holding,
 *        on the handle's renewal thread: keep it short, and do not free or
 *        release the handle from it (fl_release() joins that thread).
 *        After it, fl_lock_is_held() is 0 and fl_lock_check(), fl_release()
 *        return FL_ELOST.  Lock files never call it.
 * @param cb  NULL to remove.  @return FL_OK, FL_EINVAL.  @since 1.2
 */
typedef void (*fl_lost_cb)(const char *lock_path, int64_t fencing_token, void *user_data);
FL_API int fl_options_set_lost_callback(fl_options *opts, fl_lost_cb cb, void *user_data);

/**
 * @brief A cancellation source.  Once fired, every wait that watches it
 *        (fl_acquire() on a handle made with options that carry it,
 *        fl_wait_released() with such options) returns FL_ECANCELED
 *        promptly: a sleeping wait is woken, not left to its next poll.  A
 *        wait that starts while it is fired returns FL_ECANCELED at once.
 *        It stays fired until fl_cancel_reset().  No signals are used.
 * Ownership: free with fl_cancel_free(); options and handles that carry it
 * keep it alive (it is reference counted), so freeing it early is safe.
 * Thread safety: fl_cancel_fire(), fl_cancel_reset() and
 * fl_cancel_is_fired() are safe from any thread at any time, including a
 * signal-handling thread (not a signal handler itself).
 * @return FL_OK, FL_EINVAL (out NULL), FL_ENOMEM.  @since 1.1
 */
typedef struct fl_cancel fl_cancel;
FL_API int fl_cancel_new(fl_cancel **out);
/** @brief Drop the caller's reference; NULL-safe.  @since 1.1 */
FL_API void fl_cancel_free(fl_cancel *cancel);
/** @brief Fire: see fl_cancel_new().  @return FL_OK, FL_EINVAL.  @since 1.1 */
FL_API int fl_cancel_fire(fl_cancel *cancel);
/** @brief Un-fire, for reuse.  @return FL_OK, FL_EINVAL.  @since 1.1 */
FL_API int fl_cancel_reset(fl_cancel *cancel);
/** @brief @return 1 fired, 0 not, FL_EINVAL.  @since 1.1 */
FL_API int fl_cancel_is_fired(const fl_cancel *cancel);

/**
 * @brief Handles made with @p opts watch @p cancel (NULL: none).  Handles
 *        made earlier are not affected.  @return FL_OK, FL_EINVAL (NULL or
 *        foreign handle).  @since 1.1
 */
FL_API int fl_options_set_cancel(fl_options *opts, fl_cancel *cancel);

/* ======================================================================== */
/* Lock handles                                                              */
/* ======================================================================== */

/**
 * @brief Create a handle for locking @p target_path.  Nothing is touched on
 *        disk until fl_acquire().  The target need not exist.
 * @param[out] out       receives the handle.
 * @param target_path    file to protect (not a directory, not ending in '/').
 * @param opts           NULL for the defaults; copied, may be freed after.
 * @return FL_OK, FL_EINVAL, FL_ENOMEM.
 * Ownership: free with fl_lock_free().  Thread safety: a handle is used by
 * one thread at a time; separate handles may be used concurrently, and two
 * handles on one target exclude each other like two processes do.  A handle
 * may move to another thread between calls; while it is held, the deadlock
 * check still counts it as the acquiring thread's (see
 * fl_options_set_deadlock_check()).
 * @since 1.0
 */
FL_API int fl_lock_new(fl_lock **out, const char *target_path, const fl_options *opts);

/**
 * @brief Create a handle that locks the file @p lock_path itself, as
 *        flock(1), py-filelock and gofrs/flock do (fl_lock_new() locks a
 *        lock file derived from a target instead).  The lock file is kept
 *        on release unless fl_options_set_remove_on_release() chose
 *        otherwise; fl_options_set_lock_dir() does not apply.  An existing
 *        directory may be the lock object: it is opened read-only, never
 *        written or removed, and locked shared or exclusive as asked.  The
 *        same safety rules hold as for fl_lock_new(): no symlink is
 *        followed, nothing that is not a lock file is written or removed
 *        (with no record and keep-on-release, any regular file may be
 *        locked: see fl_options_set_write_record()).
 * @return FL_OK, FL_EINVAL (empty path, or one ending in '/'), FL_ENOENT
 *         (its directory does not exist), FL_ENOTSUP (backend), FL_ENOMEM;
 *         with fl_options_set_defer_path_errors() the path errors come
 *         from fl_acquire() instead.  fl_lock_target_path() is "".
 * Ownership and thread safety: as fl_lock_new().  @since 1.1
 */
FL_API int fl_lock_new_file(fl_lock **out, const char *lock_path, const fl_options *opts);

/**
 * @brief Free a handle, releasing it first if held (all reentrant counts).
 *        NULL-safe.  In a forked child it only closes the inherited
 *        descriptor.  @since 1.0
 */
FL_API void fl_lock_free(fl_lock *lock);

/**
 * @brief Acquire the lock.
 * @param timeout_ms  0 = one attempt; > 0 = wait up to that long (monotonic
 *        clock; more than a century is no limit); FL_WAIT_FOREVER;
 *        FL_WAIT_DEFAULT = the handle's option.
 * @return FL_OK (held; a second acquire through the same handle nests and
 *         needs as many releases), FL_EBUSY (timeout 0 and held elsewhere),
 *         FL_ETIMEDOUT, FL_EDEADLK (this thread holds the same lock file
 *         through another handle), FL_EFORKED, FL_EUNSAFE (symlink, directory,
 *         FIFO or other non-regular file at the lock path), FL_EINVAL (target
 *         is a directory), FL_ENOENT (directory missing), FL_EPERM (directory
 *         not writable / read-only file system), FL_ENOTSUP, FL_EIO (also:
 *         the lock file's name is too long for the file system).
 *         FL_EUNSAFE also when the lock path already exists and is not a
 *         lock file (anything but an empty file or a lock record: a
 *         Cargo.lock, JSON, a binary), or has more than one hard link; the
 *         file is left untouched (not written, truncated, chmod-ed or
 *         removed) and the message says what is there.  Since 1.1:
 *         FL_ECANCELED (the options' fl_cancel fired, before or during the
 *         wait; a lock already held through this handle still nests), and
 *         for fl_lock_new_file() handles the path errors it deferred.
 *         Since 1.2, etcd: FL_EUNAVAIL (no member answered), FL_EPERM (TLS
 *         or credentials refused), FL_ELOST (a nested acquire of a lock
 *         that was lost: release it first).
 * Thread safety: see fl_lock_new().  @since 1.0
 */
FL_API int fl_acquire(fl_lock *lock, int64_t timeout_ms);

/**
 * @brief Release one level of the lock.  At the last level the lock file is
 *        removed (if so configured and still ours), unlocked and closed.
 * @return FL_OK (also when not held: idempotent), FL_EFORKED (called in a
 *         forked child: the inherited descriptor was closed, the parent's
 *         lock is untouched), FL_EINVAL.  Since 1.2, etcd: FL_ELOST (the
 *         lease had expired while held: the handle no longer holds it, and
 *         what ran under it was not protected), FL_EUNAVAIL (the release
 *         did not reach etcd; the lock passes on when the lease expires).
 *         Either way the handle is released.
 * @since 1.0
 */
FL_API int fl_release(fl_lock *lock);

/**
 * @brief Whether this handle holds its lock.
 * @return 1, 0, FL_EFORKED (in a forked child), FL_EINVAL.  Since 1.2: 0
 *         once a leased lock's local deadline has passed (it was lost),
 *         without asking the server (fl_lock_check() asks).  @since 1.0
 */
FL_API int fl_lock_is_held(const fl_lock *lock);

/**
 * @brief Ask the lock's backend, in one round trip, whether this handle
 *        still holds its lock.  etcd: is its key still there.  Lock files:
 *        does the lock path still name the file this handle locked (it
 *        was not removed or replaced).
 * @return FL_OK (still held), FL_ELOST (lost: act as if not held; release
 *         the handle), FL_EINVAL (not held, or bad handle), FL_EUNAVAIL
 *         (the server could not answer: the question is open; the local
 *         deadline still applies), FL_EFORKED.  @since 1.2
 */
FL_API int fl_lock_check(fl_lock *lock);

/**
 * @brief The fencing token of the held lock: a number that is larger for
 *        every later holder of the same lock (etcd: the holder key's create
 *        revision).  Pass it with every write to a resource the lock
 *        protects and have the resource refuse tokens lower than the
 *        highest it has seen: that is what keeps a paused, lost holder
 *        from writing (docs/etcd.md).
 * @return FL_OK, FL_EINVAL (not held, NULL), FL_ENOTSUP (lock files have no
 *         token), FL_EFORKED.  @since 1.2
 */
FL_API int fl_lock_fencing_token(const fl_lock *lock, int64_t *out);

/**
 * @brief Path of the handle's lock file; for an etcd lock, its URL without
 *        credentials: "etcd://host:port,.../prefix/name" (since 1.2).
 * @return the path, or NULL for an invalid handle.
 * Ownership: borrowed, valid while the handle lives.  @since 1.0
 */
FL_API const char *fl_lock_path(const fl_lock *lock);

/**
 * @brief Path of the handle's target, as given to fl_lock_new().
 * Ownership: borrowed, valid while the handle lives.  @return the path, or NULL for an
 * invalid handle.  @since 1.0
 */
FL_API const char *fl_lock_target_path(const fl_lock *lock);

/**
 * @brief The lock file path that options @p opts give for @p target_path.
 * @param[out] out  receives a string; free with fl_free().
 * @return FL_OK, FL_EINVAL, FL_ENOENT (lock dir mode, target's directory
 *         missing), FL_ENOMEM.  @since 1.0
 */
FL_API int fl_lock_path_for(const char *target_path, const fl_options *opts, char **out);

/* ======================================================================== */
/* Queries (never create, modify or remove anything)                         */
/* ======================================================================== */

/** Verdicts about a recorded holder (fl_lock_info.holder). */
#define FL_HOLDER_UNKNOWN 0 /**< other host, other PID namespace, unparsable record */
#define FL_HOLDER_ALIVE 1   /**< the recorded process is running */
#define FL_HOLDER_DEAD 2    /**< exited, or its PID was reused, or other boot */

/**
 * @brief Is @p target_path locked right now by anyone (this process included)?
 * @param opts  NULL for defaults (only the lock directory option matters).
 * @return 1, 0 (also when no lock file exists), FL_ENOENT (the lock file's
 *         directory does not exist: no lock can be taken there, so it is not
 *         "free"), FL_EUNSAFE (not a regular file at the lock path),
 *         FL_EINVAL (since 1.1: @p target_path is itself a lock file, i.e.
 *         ends in ".lock", has no lock file of its own, and holds a record or
 *         is locked: pass the target it protects), or another negative code.
 * @since 1.0
 */
FL_API int fl_is_locked(const char *target_path, const fl_options *opts);

/**
 * @brief Wait until @p target_path is not locked, without taking the lock.
 * @param timeout_ms  0 = check once; FL_WAIT_FOREVER; > 0 (beyond a century: no
 *        limit).
 * @return FL_OK (not locked), FL_ETIMEDOUT, FL_ENOENT (the lock file's
 *         directory does not exist), FL_ECANCELED (since 1.1: the options'
 *         fl_cancel fired), FL_EINVAL (as fl_is_locked()), or a negative code.
 *         @since 1.0
 */
FL_API int fl_wait_released(const char *target_path, const fl_options *opts, int64_t timeout_ms);

/**
 * @brief PID recorded in a lock file.
 * @param[out] out_pid  the PID, or 0 when the record holds no valid PID.
 * @return FL_OK, FL_ENOENT, FL_EUNSAFE (not a regular file), FL_EPERM, FL_EIO,
 *         FL_EINVAL (since 1.1: @p lock_path does not end in ".lock", is not a
 *         lock file itself, and @p lock_path.lock is: a target was given).
 *         fl_is_stale(), fl_lock_age_ms() and fl_lock_info_read() give
 *         FL_EINVAL for the same mistake.
 * @since 1.0
 */
FL_API int fl_holder_pid(const char *lock_path, int64_t *out_pid);

/**
 * @brief Is process @p pid running on this host?  Sends no signal (it uses
 *        kill(pid, 0)); a process owned by another user counts as running;
 *        a zombie does not.
 * @return 1, 0, FL_EINVAL (pid outside 1 .. 2^31-1).  @since 1.0
 */
FL_API int fl_process_is_running(int64_t pid);

/**
 * @brief Whether a lock file is stale (docs/PROTOCOL.md G): it exists, its
 *        age >= @p threshold_ms, nobody holds its OS lock, and its recorded
 *        holder is dead on this host.  Unknown holders are never stale.
 * @return 1, 0, FL_ENOENT, FL_EUNSAFE, FL_EINVAL (threshold < 0), ...
 * @since 1.0
 */
FL_API int fl_is_stale(const char *lock_path, int64_t threshold_ms);

/**
 * @brief Age of a lock file in milliseconds: now - `acquired=`, or now - mtime
 *        when the record has none.  Never negative.
 * @return FL_OK, FL_EINVAL (out NULL), FL_ENOENT, FL_EUNSAFE (not a regular file),
 *         FL_EPERM, FL_EIO.  @since 1.0
 */
FL_API int fl_lock_age_ms(const char *lock_path, int64_t *out_age_ms);

/** Everything known about one lock file (fl_lock_info_read, scans, cleanup). */
typedef struct fl_lock_info {
    size_t struct_size;      /**< bytes the library filled */
    const char *lock_path;   /**< the lock file */
    const char *target_path; /**< what it protects ("" when unknown) */
    int64_t pid;             /**< recorded PID, 0 when none/invalid */
    const char *host;        /**< recorded host, "" when absent */
    const char *boot_id;     /**< recorded boot id, "" when absent */
    int64_t start_token;     /**< recorded process start token, -1 when absent */
    int64_t acquired_ms;     /**< ms since the epoch: `acquired=`, else mtime */
    int64_t age_ms;          /**< now - acquired_ms, >= 0 */
    int32_t held;            /**< 1 OS lock held now, 0 not, -1 unknown */
    int32_t holder;          /**< FL_HOLDER_* */
    int32_t stale;           /**< 1 stale under the threshold used, else 0 */
    int32_t record_valid;    /**< 1 the record parsed, 0 empty/garbage/oversized */
    const char *tag;         /**< recorded tag, "" when absent */
    const char *reason;      /**< one sentence: why stale or not */
    int64_t size_bytes;      /**< size of the lock file */
    int32_t foreign;         /**< 1: a regular file whose content is not a lock
                                  record (a Cargo.lock, JSON, a binary): never
                                  taken over or removed.  @since 1.1 (read it
                                  only when struct_size covers it) */
    const char *kind;        /**< what is at lock_path: "regular file",
                                  "directory", "symlink", "FIFO", "socket",
                                  "character device", "block device".
                                  @since 1.1 */
    int32_t other_host;      /**< 1: the record names another host, so
                                  liveness cannot be known here.  @since 1.1 */
    int64_t fencing_token;   /**< etcd: the key's create revision (the
                                  holder's fencing token, or a waiter's
                                  place in the queue); -1 for lock files.
                                  @since 1.2 */
    int64_t lease_ttl_ms;    /**< etcd: the key's lease's remaining time to
                                  live; -1 for lock files or unknown.
                                  @since 1.2 */
} fl_lock_info;

/**
 * @brief Read one lock file and judge it.
 * @param threshold_ms  staleness age threshold (>= 0).
 * @param[out] out      receives the info.
 * @return FL_OK, FL_ENOENT, FL_EUNSAFE (symlink / not regular), FL_EPERM,
 *         FL_EINVAL, FL_EIO.  A garbage record is not an error: it reads
 *         as record_valid 0, holder unknown.
 * Ownership: free with fl_lock_info_free(); all strings live inside it.
 * @since 1.0
 */
FL_API int fl_lock_info_read(const char *lock_path, int64_t threshold_ms, fl_lock_info **out);

/** @brief Free a fl_lock_info from fl_lock_info_read(); NULL-safe.  @since 1.0 */
FL_API void fl_lock_info_free(fl_lock_info *info);

/* ======================================================================== */
/* Monitor and cleanup                                                       */
/* ======================================================================== */

typedef struct fl_scan_options fl_scan_options;

/**
 * @brief Scan options with defaults: recursive, unlimited depth, stay on the
 *        starting file system, threshold 1 hour, not a dry run.
 * Ownership: free with fl_scan_options_free().  @return FL_OK, FL_EINVAL (out NULL),
 * FL_ENOMEM.  @since 1.0
 */
FL_API int fl_scan_options_new(fl_scan_options **out);
/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_scan_options_free(fl_scan_options *opts);
/**
 * @brief 1 recurse (default), 0 only the given directory (same as max depth 0).  @return
 *        FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_scan_options_set_recursive(fl_scan_options *opts, int recursive);
/**
 * @brief Deepest level to visit below the start (0 = start only); -1 unlimited.  @return
 *        FL_OK, FL_EINVAL (foreign handle, depth < -1).  @since 1.0
 */
FL_API int fl_scan_options_set_max_depth(fl_scan_options *opts, int max_depth);
/**
 * @brief 1 to descend into other mounted file systems (default 0).  @return FL_OK,
 *        FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_scan_options_set_cross_filesystems(fl_scan_options *opts, int cross);
/**
 * @brief Stale threshold in ms (>= 0; default 3600000).  @return FL_OK, FL_EINVAL (foreign
 *        handle, threshold < 0).  @since 1.0
 */
FL_API int fl_scan_options_set_stale_threshold_ms(fl_scan_options *opts, int64_t threshold_ms);
/**
 * @brief 1: fl_cleanup_stale_locks() reports but removes nothing (scans ignore it).
 *        @return FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_scan_options_set_dry_run(fl_scan_options *opts, int dry_run);

/**
 * @brief fl_scan() lists the locks of a backend instead of a directory's
 *        lock files: NULL, "" or "file" (a directory), or an etcd URL as
 *        for fl_options_set_backend().  On etcd, fl_scan()'s @p dir is a
 *        lock name (NULL or "" for every lock under the prefix) and each
 *        holder and waiter is one item, in queue order per lock: held 1
 *        for holders, 0 for waiters, with fencing_token and lease_ttl_ms.
 * @return FL_OK, FL_EINVAL.  @since 1.2
 */
FL_API int fl_scan_options_set_backend(fl_scan_options *opts, const char *backend);

/** One problem met during a scan or cleanup; the walk goes on. */
typedef struct fl_scan_error {
    size_t struct_size;
    const char *path;    /**< where */
    const char *message; /**< what happened, with the OS error text */
    int32_t code;        /**< FL_E* */
} fl_scan_error;

/** Result of fl_scan(). */
typedef struct fl_lock_list {
    size_t struct_size;
    fl_lock_info **items;   /**< lock files found, sorted by lock_path */
    size_t count;
    fl_scan_error **errors; /**< unreadable directories, vanished files, ... */
    size_t error_count;
} fl_lock_list;

/**
 * @brief Find and judge every lock file (`*.lock`, regular or not) under
 *        @p dir.  Symlinked directories are never followed.  Non-regular
 *        entries named *.lock are listed (never opened) with record_valid 0,
 *        held -1 and a reason; a directory named *.lock is listed and also
 *        walked.  A symlink given as @p dir itself is followed.  A directory
 *        reached twice (bind mounts) is walked once; the repeat is an FL_EIO
 *        error entry.
 * @param opts  NULL for defaults.
 * @return FL_OK (per-file problems are in errors), FL_ENOENT / FL_EPERM /
 *         FL_EINVAL when @p dir itself cannot be scanned.
 * Ownership: free with fl_lock_list_free().  @since 1.0
 */
FL_API int fl_scan(const char *dir, const fl_scan_options *opts, fl_lock_list **out);
/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_lock_list_free(fl_lock_list *list);

/** Result of fl_cleanup_stale_locks(). */
typedef struct fl_clean_report {
    size_t struct_size;
    size_t count;               /**< lock files removed (or, dry run, that would be) */
    fl_lock_info **stale_locks; /**< their info, as judged when removed */
    size_t stale_count;
    fl_scan_error **errors;
    size_t error_count;
    int32_t dry_run;
} fl_clean_report;

/**
 * @brief Remove stale lock files under @p base_dir (docs/PROTOCOL.md H):
 *        each is removed only while this process holds its OS lock, after an
 *        identity check and a fresh staleness decision.  Held locks, live or
 *        unknown holders, and anything not recognised as a lock file are left
 *        alone.  Losing a race to another cleaner, and files that vanish
 *        during the walk, are not errors.
 * @return FL_OK or a code for @p base_dir itself.
 * Ownership: free with fl_clean_report_free().  @since 1.0
 */
FL_API int fl_cleanup_stale_locks(const char *base_dir, const fl_scan_options *opts,
                                  fl_clean_report **out);
/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_clean_report_free(fl_clean_report *report);

/**
 * @brief Remove one lock file if it is stale, by the same protocol.
 * @return 1 removed, 0 not stale (left alone) or already gone, FL_EUNSAFE
 *         (not a regular file, or larger than 4096 bytes: never removed),
 *         or another negative code.
 * @since 1.0
 */
FL_API int fl_remove_if_stale(const char *lock_path, int64_t threshold_ms);

/**
 * @brief The start-of-run cleanup that fl_batch_run() and the CLI do when
 *        cleanup_stale_locks is on: remove stale lock files (by the
 *        protocol of fl_cleanup_stale_locks()) in the working directory and
 *        in every directory that holds a lock file of @p targets (the lock
 *        directory of @p opts, or each target's own directory), each
 *        without descending.  With a backend other than lock files in
 *        @p opts (etcd: a crashed holder's lease expires by itself) it
 *        removes nothing and reports nothing.
 * @param targets  @p count target paths (may be 0: the working directory only).
 * @param[out] out the merged report; a directory that could not be scanned
 *                 is an entry in its errors, not a failure.
 * Ownership: free *out with fl_clean_report_free().  @return FL_OK,
 * FL_EINVAL (NULL argument, threshold < 0, foreign handle), FL_ENOMEM.
 * @since 1.1
 */
FL_API int fl_cleanup_for_targets(const char *const *targets, size_t count, const fl_options *opts,
                                  int64_t threshold_ms, fl_clean_report **out);

/* ======================================================================== */
/* Configuration (YAML `file_locking:` section)                              */
/* ======================================================================== */

/*
 * The section's keys (docs/config.md has the full reference):
 *   enabled (true)              false: batches and the CLI run the work on
 *                               each file without locking it
 *   timeout_seconds (30)        one acquisition waits up to this long
 *                               (0 .. 604800; 0 = a single attempt)
 *   retry_attempts (3)          after a timeout, a batch tries again up to
 *                               this many more times (0 .. 1000) ...
 *   retry_delay_seconds (2)     ... pausing this long before each retry
 *                               (0 .. 86400)
 *   cleanup_stale_locks (true)  remove stale locks in the working directory
 *                               once, when a batch or the CLI starts ...
 *   stale_threshold_hours (1)   ... those at least this old (0 .. 8760)
 *   poll_interval_seconds (0.5) longest gap between checks while waiting
 *                               (0.001 .. 3600)
 *   remove_lock_files (true)    delete the lock file on release
 *   lock_file_mode (not set)    octal, written 0640, "0640" or 0o640 (a bare
 *                               640 is refused as ambiguous); not set:
 *                               0644 less the umask
 *   lock_directory ("")         where lock files go; "" = beside the target
 *   shared (false)              shared (read) locks
 *   tag ("")                    label written to lock records
 * Seconds and hours accept fractions.  Booleans are true/false (also
 * yes/no, on/off).  Unknown keys are errors (with a "did you mean"
 * suggestion), so a misspelt key never silently leaves its default.
 *
 * Sources, lowest precedence first: built-in defaults; the file; the
 * environment variables FILELOCK_<KEY> in upper case (FILELOCK_TIMEOUT_SECONDS=5,
 * FILELOCK_ENABLED=false; set but empty = unset); fl_config_set().
 * Every loader and setter is all-or-nothing: on error nothing is applied.
 */
typedef struct fl_config fl_config;

/** Flags for fl_config_* loaders. */
#define FL_CONFIG_IGNORE_ENV 1u /**< do not apply FILELOCK_* environment variables */

/**
 * @brief Configuration from built-in defaults, then (unless
 *        FL_CONFIG_IGNORE_ENV) the FILELOCK_* environment variables.
 * Ownership: free with fl_config_free().  @return FL_OK, FL_EINVAL (out NULL, unknown
 * flags), FL_ECONFIG (a FILELOCK_* value is invalid), FL_ENOMEM.  @since 1.0
 */
FL_API int fl_config_new(fl_config **out, uint32_t flags);

/**
 * @brief Defaults, then the `file_locking:` section of the YAML file at
 *        @p path (other sections are ignored; a missing section means
 *        defaults), then the environment.
 * @return FL_OK, FL_ENOENT, FL_EPERM, FL_ECONFIG (malformed YAML, more than
 *         one YAML document, unknown key, wrong type, out-of-range value:
 *         fl_last_error_message() names file, line and column; a bad
 *         environment variable is named; @p path is a directory),
 *         FL_EINVAL (NULL argument, unknown flag).  *out is NULL on error.
 * Thread safety: reads the environment with getenv(); do not modify it
 * concurrently.
 * @since 1.0
 */
FL_API int fl_config_load_file(fl_config **out, const char *path, uint32_t flags);

/**
 * @brief As fl_config_load_file() for YAML text; @p name (may be NULL)
 *        is used in messages in place of a file name.  @return as fl_config_load_file(),
 *        without the file errors.  @since 1.0
 */
FL_API int fl_config_load_string(fl_config **out, const char *yaml, const char *name,
                                 uint32_t flags);

/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_config_free(fl_config *cfg);

/**
 * @brief Set one key from text, as an explicit argument (highest
 *        precedence).  Same validation as the file.
 * @param key    a key of the `file_locking:` section, e.g. "timeout_seconds".
 * @param value  its value as YAML scalar text, e.g. "2.5", "true", "0640";
 *               for lock_directory and tag the text itself, verbatim.
 *               "" clears lock_file_mode, lock_directory and tag.
 * @return FL_OK, FL_ECONFIG (unknown key or bad value; cfg unchanged),
 *         FL_EINVAL (NULL argument or handle).
 * @since 1.0
 */
FL_API int fl_config_set(fl_config *cfg, const char *key, const char *value);

/**
 * @brief Current value of a key, as text that fl_config_set() accepts and
 *        that gives back the same value: "30", "0.5", "true", "0640"; ""
 *        for lock_file_mode when it is not set.
 * @param[out] out  free with fl_free().  @return FL_OK, FL_ECONFIG (unknown
 *         key), FL_EINVAL.  @since 1.0
 */
FL_API int fl_config_get(const fl_config *cfg, const char *key, char **out);

/**
 * @brief A duration key (timeout_seconds, retry_delay_seconds,
 *        poll_interval_seconds, stale_threshold_hours) in milliseconds, so
 *        no caller needs a second grammar for seconds.
 * @return FL_OK, FL_ECONFIG (unknown key, or not a duration), FL_EINVAL
 *         (NULL argument or handle).  @since 1.1
 */
FL_API int fl_config_get_ms(const fl_config *cfg, const char *key, int64_t *out);

/**
 * @brief A boolean key (enabled, cleanup_stale_locks, remove_lock_files,
 *        shared) as 0 or 1.
 * @return FL_OK, FL_ECONFIG (unknown key, or not a boolean), FL_EINVAL.
 * @since 1.1
 */
FL_API int fl_config_get_bool(const fl_config *cfg, const char *key, int *out);

/**
 * @brief Parse a duration in seconds as the configuration does ("2.5",
 *        "30", "0"; "inf" when @p allow_inf), into milliseconds (FL_WAIT_FOREVER
 *        for "inf").  The CLI's --timeout uses it, so flag and file agree.
 * @return FL_OK, FL_ECONFIG (not a duration, or out of 0 .. 604800 s),
 *         FL_EINVAL (NULL argument).  @since 1.1
 */
FL_API int fl_parse_seconds(const char *text, int allow_inf, int64_t *out_ms);

/**
 * @brief Lock options carrying the config's timeout, poll interval, shared
 *        mode, file mode, removal, lock directory and tag.  (enabled,
 *        retries and stale cleanup are batch policy: see fl_batch_new().)
 * Ownership: free with fl_options_free().  @return FL_OK, FL_EINVAL (out NULL, foreign
 * handle), FL_ENOMEM.  @since 1.0
 */
FL_API int fl_config_make_options(const fl_config *cfg, fl_options **out);

/* ======================================================================== */
/* Logging                                                                   */
/* ======================================================================== */

#define FL_LOG_TRACE 0
#define FL_LOG_DEBUG 1
#define FL_LOG_INFO 2
#define FL_LOG_WARN 3
#define FL_LOG_ERROR 4
#define FL_LOG_OFF 6

/**
 * @brief Receives each library message at or above the log level.
 * @param level    FL_LOG_*.
 * @param message  UTF-8, no trailing newline; valid during the call only.
 * Thread safety: may be called from any thread, including batch workers,
 * possibly concurrently.  It may call the library, fl_log_set_callback()
 * included; a message the library raises on that thread during the call is
 * dropped rather than delivered into it.  It must not block waiting for
 * another thread that may log.
 */
typedef void (*fl_log_cb)(int level, const char *message, void *user_data);

/**
 * @brief Route library messages to @p cb; NULL restores the default (stderr).
 *        When it returns, no call of the previous callback is still running
 *        (other than the caller's own, when called from inside it), so its
 *        user_data may be freed.
 * Thread safety: safe.  @return FL_OK.  @since 1.0
 */
FL_API int fl_log_set_callback(fl_log_cb cb, void *user_data);

/**
 * @brief Minimum level delivered (default FL_LOG_WARN).
 * @return FL_OK, or FL_EINVAL for anything but FL_LOG_TRACE .. FL_LOG_ERROR
 *         and FL_LOG_OFF (level unchanged).  Thread safety: safe.  @since 1.0
 */
FL_API int fl_log_set_level(int level);

/** @brief Current minimum level.  @return the level, FL_LOG_TRACE .. FL_LOG_OFF.  @since 1.0 */
FL_API int fl_log_get_level(void);

/* ======================================================================== */
/* Batch processing                                                          */
/* ======================================================================== */

typedef struct fl_batch fl_batch;

/**
 * @brief Does the work on one file while its lock is held.
 * @return 0 for success; any other value is reported as FL_FILE_FAILED with
 *         that code.  May call the library.  Runs on a worker thread.
 */
typedef int (*fl_batch_process_cb)(const char *path, void *user_data);

/** @brief Called after each file finishes: @p done of @p total so far. */
typedef void (*fl_batch_progress_cb)(size_t done, size_t total, void *user_data);

/** Per-file status (fl_file_result.status). */
#define FL_FILE_DONE 0       /**< processed, callback returned 0 */
#define FL_FILE_FAILED 1     /**< callback returned non-zero (in code) */
#define FL_FILE_LOCKED_OUT 2 /**< lock not obtained after timeout and retries */
#define FL_FILE_SKIPPED 3    /**< skip-locked mode: it was locked, not waited for */
#define FL_FILE_CANCELLED 4  /**< not started: cancelled or stopped on failure */
#define FL_FILE_ERROR 5      /**< lock error other than contention (in code) */

typedef struct fl_file_result {
    size_t struct_size;
    const char *path;
    int32_t status;       /**< FL_FILE_* */
    int32_t code;         /**< FAILED: the callback's return; LOCKED_OUT, SKIPPED,
                               CANCELLED, ERROR: the FL_E* code behind it */
    int32_t attempts;     /**< lock attempts made (1 + retries) */
    int64_t lock_wait_us; /**< time spent obtaining the lock */
    int64_t process_us;   /**< time spent in the callback */
    const char *message;  /**< human-readable outcome */
} fl_file_result;

typedef struct fl_batch_results {
    size_t struct_size;
    fl_file_result **items; /**< one per input path, in input order */
    size_t count;
    size_t done, failed, locked_out, skipped, cancelled, errors;
    int64_t wall_us;
} fl_batch_results;

/**
 * @brief A batch runner with the policy of @p cfg: `enabled` (false: no
 *        locking at all), a wait of up to `timeout_seconds` per attempt,
 *        `retry_attempts` more attempts after `retry_delay_seconds`, and the
 *        lock options.  With `cleanup_stale_locks`, each fl_batch_run() first
 *        removes stale lock files (at `stale_threshold_hours`) from the working
 *        directory and from each directory that holds one of its lock files,
 *        without descending into subdirectories.  Workers default to the
 *        number of CPUs.
 * @param cfg  copied; NULL = built-in defaults (no FILELOCK_* environment).
 * Ownership: free with fl_batch_free().  @since 1.0
 */
FL_API int fl_batch_new(fl_batch **out, const fl_config *cfg);
/** @brief NULL-safe; must not be called while fl_batch_run is running.  @since 1.0 */
FL_API void fl_batch_free(fl_batch *batch);
/**
 * @brief Worker threads (1 .. 1024); 0 = number of CPUs.  @return FL_OK, FL_EINVAL (foreign
 *        handle, more than 1024).  @since 1.0
 */
FL_API int fl_batch_set_workers(fl_batch *batch, size_t workers);
/**
 * @brief 1: a file locked by someone else is skipped at once (FL_FILE_SKIPPED).  @return
 *        FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_batch_set_skip_locked(fl_batch *batch, int skip);
/**
 * @brief 1: after the first FAILED/ERROR file, start no more (rest CANCELLED).  @return
 *        FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_batch_set_stop_on_failure(fl_batch *batch, int stop);
/**
 * @brief Progress callback (may be NULL); called from worker threads, serialised.  @return
 *        FL_OK, FL_EINVAL (NULL or foreign handle).  @since 1.0
 */
FL_API int fl_batch_set_progress_cb(fl_batch *batch, fl_batch_progress_cb cb, void *user_data);

/**
 * @brief Ask a running fl_batch_run() to stop: files in progress finish,
 *        the rest come back FL_FILE_CANCELLED (code FL_ECANCELED), and lock
 *        waits and retry pauses end at once.  A cancel while no run is in
 *        progress has no effect on later runs.
 * Thread safety: safe from any thread, including callbacks.  @return FL_OK, FL_EINVAL (NULL
 * or foreign handle).  @since 1.0
 */
FL_API int fl_batch_cancel(fl_batch *batch);

/**
 * @brief Process @p count files, each under its own lock.  Lock failures are
 *        not fatal; every file gets a result.
 * @return FL_OK (see per-file statuses), FL_EINVAL, FL_ENOMEM.
 * Ownership: free *out with fl_batch_results_free().  @since 1.0
 */
FL_API int fl_batch_run(fl_batch *batch, const char *const *paths, size_t count,
                        fl_batch_process_cb process, void *user_data, fl_batch_results **out);

/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_batch_results_free(fl_batch_results *results);

/**
 * @brief One file with the same policy and result as a batch entry (runs on
 *        the calling thread; no stale cleanup).  A lock the calling thread
 *        already holds on @p path through another handle gives FL_FILE_ERROR
 *        with code FL_EDEADLK.
 * Ownership: free *out with fl_file_result_free().  @return FL_OK (the file's own outcome
 * is in *out), FL_EINVAL (out, path or callback NULL, foreign handle), FL_ENOMEM.  @since
 * 1.0
 */
FL_API int fl_batch_run_one(fl_batch *batch, const char *path, fl_batch_process_cb process,
                            void *user_data, fl_file_result **out);

/** @brief NULL-safe.  @since 1.0 */
FL_API void fl_file_result_free(fl_file_result *result);

#ifdef __cplusplus
}
#endif
#endif /* FILELOCK_H */
