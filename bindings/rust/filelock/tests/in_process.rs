//! Behaviour inside one process: threads with their own handles, guards,
//! cancellation, the deadlock check, timeouts, modes, errors and queries.
mod common;

use std::fs::TryLockError;
use std::io::ErrorKind;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::Scratch;
use filelock::{Canceller, Code, Config, Lock};

#[test]
fn threads_with_their_own_locks_exclude_each_other() {
    let d = Scratch::new("threads");
    let target = Arc::new(d.path("counter"));
    let inside = Arc::new(AtomicBool::new(false));
    let entries = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (target, inside, entries) = (Arc::clone(&target), Arc::clone(&inside), Arc::clone(&entries));
            std::thread::spawn(move || {
                let lock = Lock::new(&*target).unwrap();
                for _ in 0..50 {
                    lock.lock().unwrap();
                    assert!(!inside.swap(true, Ordering::SeqCst), "two holders at once");
                    entries.fetch_add(1, Ordering::Relaxed);
                    std::thread::yield_now();
                    inside.store(false, Ordering::SeqCst);
                    lock.unlock().unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(entries.load(Ordering::Relaxed), 200);
}

#[test]
fn a_lock_moves_to_another_thread() {
    let d = Scratch::new("send");
    let lock = Lock::new(d.path("t")).unwrap();
    let lock = std::thread::spawn(move || {
        lock.lock().unwrap();
        lock
    })
    .join()
    .unwrap();
    assert!(lock.is_held());
    lock.unlock().unwrap();
    assert!(!filelock::is_locked(d.path("t")).unwrap());
}

#[test]
fn dropping_the_guard_releases_and_removes_the_lock_file() {
    let d = Scratch::new("guard");
    let target = d.path("t");
    let mut lock = Lock::new(&target).unwrap();
    let lock_path = lock.lock_path();
    assert_eq!(lock_path, d.path("t.lock"));
    assert_eq!(lock.target_path(), Some(target.clone()));
    {
        let g = lock.acquire().unwrap();
        assert_eq!(g.lock_path(), lock_path);
        assert!(filelock::is_locked(&target).unwrap());
    }
    assert!(!filelock::is_locked(&target).unwrap());
    assert!(!lock_path.exists());
    let g = lock.try_acquire().unwrap();
    g.release().unwrap();
    assert!(!lock.is_held());
    drop(lock.acquire_timeout(Duration::from_millis(10)).unwrap());
}

#[test]
fn dropping_a_held_lock_releases_it() {
    let d = Scratch::new("droplock");
    let target = d.path("t");
    let lock = Lock::new(&target).unwrap();
    lock.lock().unwrap();
    drop(lock);
    assert!(!filelock::is_locked(&target).unwrap());
}

#[test]
fn a_canceller_stops_a_wait_from_another_thread() {
    let d = Scratch::new("cancel");
    let target = d.path("t");
    let holder = Lock::new(&target).unwrap();
    holder.lock().unwrap();
    let cancel = Canceller::new().unwrap();
    // An hour between polls: only a prompt wake-up ends this wait.
    let waiter = Lock::builder().cancel(&cancel).poll_interval(Duration::from_secs(3600)).build(&target).unwrap();
    let t = std::thread::spawn(move || {
        let r = waiter.lock();
        (r, waiter)
    });
    std::thread::sleep(Duration::from_millis(20));
    cancel.fire().unwrap();
    let (r, waiter) = t.join().unwrap();
    let e = r.unwrap_err();
    assert_eq!((e.code(), e.kind()), (Code::Cancelled, ErrorKind::Interrupted));
    assert!(!waiter.is_held());
    // Fired, it stops later attempts at once, until reset.
    match waiter.try_lock() {
        Err(TryLockError::Error(e)) => assert_eq!(e.kind(), ErrorKind::Interrupted),
        other => panic!("{other:?}"),
    }
    assert!(cancel.is_fired());
    cancel.reset().unwrap();
    holder.unlock().unwrap();
    waiter.try_lock().unwrap();
}

#[test]
fn a_second_handle_on_the_same_thread_is_a_deadlock_not_a_hang() {
    let d = Scratch::new("deadlock");
    let target = d.path("t");
    let a = Lock::new(&target).unwrap();
    a.lock().unwrap();
    let b = Lock::new(&target).unwrap();
    assert_eq!(b.lock().unwrap_err().code(), Code::Deadlock);
    assert!(matches!(b.try_lock(), Err(TryLockError::WouldBlock)));
    let io: std::io::Error = b.lock().unwrap_err().into();
    assert_eq!(io.kind().to_string(), "deadlock");
}

#[test]
fn a_tiny_timeout_is_rounded_up_to_a_wait_not_down_to_a_try() {
    let d = Scratch::new("round");
    let target = d.path("t");
    let a = Lock::new(&target).unwrap();
    a.lock().unwrap();
    let b = Lock::builder().deadlock_check(false).build(&target).unwrap();
    // A single attempt would report Busy; a wait reports TimedOut.
    assert_eq!(b.lock_timeout(Duration::from_nanos(1)).unwrap_err().code(), Code::TimedOut);
    assert_eq!(b.lock_timeout(Duration::ZERO).unwrap_err().code(), Code::Busy);
    let mut e = Lock::builder().timeout(Duration::from_nanos(1)).deadlock_check(false).build(&target).unwrap();
    assert_eq!(e.acquire().unwrap_err().code(), Code::TimedOut);
}

#[test]
fn switching_mode_releases_then_takes_the_other_mode() {
    let d = Scratch::new("modes");
    let target = d.path("t");
    let a = Lock::new(&target).unwrap();
    let b = Lock::builder().deadlock_check(false).build(&target).unwrap();
    a.lock().unwrap();
    a.lock().unwrap(); // the mode held already: nothing changes
    assert!(matches!(b.try_lock_shared(), Err(TryLockError::WouldBlock)));
    a.lock_shared().unwrap();
    b.try_lock_shared().unwrap();
    assert!(matches!(b.try_lock(), Err(TryLockError::WouldBlock)), "b now waits for a's shared lock");
    b.unlock().unwrap();
    a.unlock().unwrap();
    a.unlock().unwrap(); // not held: not an error
    b.try_lock().unwrap();
}

#[test]
fn the_builder_mode_and_timeout_drive_acquire() {
    let d = Scratch::new("builder");
    let target = d.path("t");
    let mut reader = Lock::builder().shared(true).build(&target).unwrap();
    let other = Lock::builder().deadlock_check(false).build(&target).unwrap();
    let g = reader.acquire().unwrap();
    other.try_lock_shared().unwrap();
    other.unlock().unwrap();
    assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
    drop(g);
    other.try_lock().unwrap();
}

#[test]
fn a_config_supplies_the_settings_and_the_builder_overrides_them() {
    let d = Scratch::new("config");
    let locks = d.path("locks");
    std::fs::create_dir(&locks).unwrap();
    let yaml = format!(
        "file_locking:\n  timeout_seconds: 0.05\n  shared: true\n  tag: from-config\n  lock_directory: {}\n",
        locks.display()
    );
    let cfg = Config::from_yaml(&yaml, Some("test.yaml")).unwrap();
    assert!(cfg.get_bool("shared").unwrap());
    assert_eq!(cfg.get_duration("timeout_seconds").unwrap(), Duration::from_millis(50));
    // Shared holders write no record: an exclusive one shows the tag.
    let mut lock = Lock::builder().config(&cfg).tag("override").shared(false).build(d.path("t")).unwrap();
    assert_eq!(lock.lock_path().parent().unwrap(), locks.as_path());
    let path = lock.lock_path();
    let g = lock.acquire().unwrap();
    assert_eq!(filelock::LockInfo::read(&path, Duration::ZERO).unwrap().tag, "override");
    drop(g);
    let held = Lock::builder().config(&cfg).build(d.path("t")).unwrap();
    held.lock().unwrap(); // lock() is exclusive whatever the configured mode
    let info = filelock::LockInfo::read(held.lock_path(), Duration::from_secs(3600)).unwrap();
    assert_eq!(info.tag, "from-config");
    assert_eq!(info.target_path, Some(d.path("t")));
    let mut waiter = Lock::builder().config(&cfg).shared(false).deadlock_check(false).build(d.path("t")).unwrap();
    assert_eq!(waiter.acquire().unwrap_err().code(), Code::TimedOut, "config timeout, builder's exclusive mode");

    let mut c = Config::defaults().unwrap();
    c.set("timeout_seconds", "7").unwrap();
    assert_eq!(c.get("timeout_seconds").unwrap(), "7");
    assert_eq!(c.set("timeout_seconds", "soon").unwrap_err().code(), Code::Config);
    let bad = Config::from_yaml("file_locking:\n  timeout_secnds: 1\n", Some("x.yaml")).unwrap_err();
    assert!(bad.message().contains("timeout_seconds"), "{bad}");
    assert_eq!(filelock::parse_seconds("2.5", false).unwrap(), Some(Duration::from_millis(2500)));
    assert_eq!(filelock::parse_seconds("inf", true).unwrap(), None);
}

#[test]
fn errors_carry_code_kind_message_and_os_error() {
    let d = Scratch::new("errors");
    let e = Lock::new(d.path("missing/dir/t")).unwrap().lock().unwrap_err();
    assert_eq!((e.code(), e.kind()), (Code::NotFound, ErrorKind::NotFound));
    assert!(e.message().contains("missing"), "{e}");
    assert_eq!(e.raw_os_error(), Some(2));

    let nul = Lock::new("a\0b").unwrap_err();
    assert_eq!(nul.code(), Code::InvalidInput);
    assert_eq!(Lock::at(d.path("gone/x.lock")).unwrap_err().code(), Code::NotFound);
}

#[test]
fn a_foreign_file_or_symlink_at_the_lock_path_is_refused_and_untouched() {
    let d = Scratch::new("foreign");
    let target = d.path("Cargo");
    std::fs::write(d.path("Cargo.lock"), b"[[package]]\nname = \"x\"\n").unwrap();
    let e = Lock::new(&target).unwrap().lock().unwrap_err();
    assert_eq!((e.code(), e.kind()), (Code::Unsafe, ErrorKind::AlreadyExists));
    assert_eq!(std::fs::read(d.path("Cargo.lock")).unwrap(), b"[[package]]\nname = \"x\"\n");

    let victim = d.path("victim");
    std::fs::write(&victim, b"precious").unwrap();
    std::os::unix::fs::symlink(&victim, d.path("s.lock")).unwrap();
    assert_eq!(Lock::new(d.path("s")).unwrap().lock().unwrap_err().code(), Code::Unsafe);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

    // With no record and the file kept, any regular file may be the lock, untouched.
    let any = d.path("data.json");
    std::fs::write(&any, b"{\"a\": 1}").unwrap();
    let l = Lock::builder().record(false).build_at(&any).unwrap();
    l.lock().unwrap();
    l.unlock().unwrap();
    assert_eq!(std::fs::read(&any).unwrap(), b"{\"a\": 1}");
}

#[test]
fn queries_answer_without_changing_anything() {
    let d = Scratch::new("queries");
    let target = d.path("t");
    assert!(!filelock::is_locked(&target).unwrap());
    assert_eq!(filelock::lock_path_for(&target).unwrap(), d.path("t.lock"));
    let lock = Lock::builder().tag("q").build(&target).unwrap();
    lock.lock().unwrap();
    let lp = lock.lock_path();
    assert!(filelock::is_locked(&target).unwrap());
    assert_eq!(filelock::holder_pid(&lp).unwrap(), Some(std::process::id() as i64));
    assert!(!filelock::is_stale(&lp, Duration::ZERO).unwrap());
    assert!(filelock::lock_age(&lp).unwrap() < Duration::from_secs(3600));
    let info = filelock::LockInfo::read(&lp, Duration::ZERO).unwrap();
    assert_eq!(info.tag, "q");
    assert_eq!(info.kind, "regular file");
    assert!(info.record_valid && !info.foreign && !info.other_host && !info.stale);
    assert!(!info.reason.is_empty());
    // A target given where a lock file is wanted, and the other way round.
    assert_eq!(filelock::holder_pid(&target).unwrap_err().code(), Code::InvalidInput);
    assert!(filelock::process_is_running(std::process::id() as i64));
    assert!(!filelock::process_is_running(0));
    let e = filelock::wait_released(&target, Some(Duration::from_millis(20))).unwrap_err();
    assert_eq!(e.code(), Code::TimedOut);
    lock.unlock().unwrap();
    filelock::wait_released(&target, Some(Duration::ZERO)).unwrap();
    assert!(filelock::library_version().starts_with("1."));
}

#[test]
fn library_messages_reach_the_handler() {
    use filelock::logging::{self, Level};
    use std::sync::Mutex;
    let seen = Arc::new(Mutex::new(Vec::<(Level, String)>::new()));
    let sink = Arc::clone(&seen);
    logging::set_handler(move |level, msg| sink.lock().unwrap().push((level, msg.to_string())));
    let before = logging::level();
    logging::set_level(Level::Trace).unwrap();
    assert_eq!(logging::level(), Level::Trace);
    let d = Scratch::new("log");
    let holder = Lock::new(d.path("t")).unwrap();
    holder.lock().unwrap();
    let waiter = Lock::builder().deadlock_check(false).build(d.path("t")).unwrap();
    assert_eq!(waiter.lock_timeout(Duration::from_millis(20)).unwrap_err().code(), Code::TimedOut);
    logging::reset_handler();
    logging::set_level(before).unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter().any(|(l, m)| *l == Level::Info && m.contains("waiting for") && m.contains("t.lock")),
        "{seen:?}"
    );
}
