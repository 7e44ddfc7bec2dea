//! Behaviour between real processes: exclusion, shared locks, a SIGKILLed
//! holder, a forked child, and the C command-line tool on the other side.
mod common;

use std::fs::TryLockError;
use std::io::ErrorKind;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{cli, helper_role, say, wait_for_parent, Helper, Scratch};
use filelock::{Code, Holder, Lock, LockInfo};

extern "C" {
    fn fork() -> i32;
    fn _exit(code: i32) -> !;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
}

/// The helper process: `hold PATH [shared] [at] [norecord]` takes the lock
/// and keeps it until told; `fork PATH` holds, forks, and checks that the
/// child's uses of the inherited `Lock` are errors.
#[test]
#[ignore = "helper process for the other tests"]
fn helper() {
    let Some((role, args)) = helper_role() else { return };
    let path = &args[0];
    let has = |f: &str| args.iter().any(|a| a == f);
    let mut b = Lock::builder().record(!has("norecord"));
    if has("norecord") {
        b = b.keep_file(true);
    }
    let lock = if has("at") { b.build_at(path) } else { b.build(path) }.unwrap();
    if has("shared") {
        lock.lock_shared().unwrap();
    } else {
        lock.lock().unwrap();
    }
    match role.as_str() {
        "hold" => {
            say("ready");
            wait_for_parent();
            lock.unlock().unwrap();
        }
        "fork" => {
            let pid = unsafe { fork() };
            if pid == 0 {
                // The forked child: every use is an error, none a panic.
                let ok = std::panic::catch_unwind(|| {
                    let a = matches!(lock.try_lock(), Err(TryLockError::Error(ref e))
                        if e.get_ref().and_then(|i| i.downcast_ref::<filelock::Error>()).map(|e| e.code()) == Some(Code::Forked));
                    let b = lock.lock_shared().map_err(|e| e.code()) == Err(Code::Forked);
                    let c = !lock.is_held();
                    let d = lock.unlock().map_err(|e| e.code()) == Err(Code::Forked);
                    drop(lock);
                    a && b && c && d
                });
                unsafe { _exit(if matches!(ok, Ok(true)) { 0 } else { 1 }) }
            }
            let mut status = 0;
            unsafe { waitpid(pid, &mut status, 0) };
            // Still ours after the child dropped its copy.
            assert!(lock.is_held());
            assert!(filelock::is_locked(path).unwrap());
            say(if status == 0 { "child ok" } else { "child failed" });
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn a_lock_excludes_another_process() {
    let d = Scratch::new("excl");
    let target = d.path("data.csv");
    let h = Helper::start("hold", &[target.to_str().unwrap()]);
    let lock = Lock::new(&target).unwrap();
    assert!(matches!(lock.try_lock(), Err(TryLockError::WouldBlock)));
    assert!(matches!(lock.try_lock_shared(), Err(TryLockError::WouldBlock)));
    let e = lock.lock_timeout(Duration::from_millis(50)).unwrap_err();
    assert_eq!((e.code(), e.kind()), (Code::TimedOut, ErrorKind::TimedOut));
    assert_eq!(filelock::holder_pid(lock.lock_path()).unwrap(), Some(h.pid()));
    assert_eq!(h.finish(), 0);
    lock.lock().unwrap();
    assert!(lock.is_held());
}

#[test]
fn a_waiting_lock_gets_it_when_the_other_process_releases() {
    let d = Scratch::new("wait");
    let target = d.path("t");
    let h = Helper::start("hold", &[target.to_str().unwrap()]);
    let t = target.clone();
    let waiter = std::thread::spawn(move || {
        let lock = Lock::new(&t).unwrap();
        lock.lock().map(|_| lock.is_held())
    });
    assert_eq!(h.finish(), 0);
    assert!(waiter.join().unwrap().unwrap());
}

#[test]
fn shared_locks_share_and_exclude_exclusive() {
    let d = Scratch::new("shared");
    let target = d.path("t");
    let h = Helper::start("hold", &[target.to_str().unwrap(), "shared"]);
    let reader = Lock::new(&target).unwrap();
    reader.try_lock_shared().unwrap();
    reader.unlock().unwrap();
    let writer = Lock::new(&target).unwrap();
    assert!(matches!(writer.try_lock(), Err(TryLockError::WouldBlock)));
    assert_eq!(h.finish(), 0);
    writer.try_lock().unwrap();
}

#[test]
fn a_sigkilled_holder_leaves_a_stale_lock_that_is_taken_over_and_cleaned() {
    let d = Scratch::new("kill");
    let (t1, t2) = (d.path("one"), d.path("two"));
    let h1 = Helper::start("hold", &[t1.to_str().unwrap()]);
    let h2 = Helper::start("hold", &[t2.to_str().unwrap()]);
    let (pid1, pid2) = (h1.pid(), h2.pid());
    h1.kill();
    h2.kill();
    assert!(!filelock::process_is_running(pid1));

    // The lock file stays behind, judged stale: nobody holds it, its holder is dead.
    let lock1 = Lock::new(&t1).unwrap();
    let info = LockInfo::read(lock1.lock_path(), Duration::ZERO).unwrap();
    assert_eq!((info.pid, info.holder, info.held, info.stale), (Some(pid1), Holder::Dead, Some(false), true));
    assert!(filelock::is_stale(lock1.lock_path(), Duration::ZERO).unwrap());
    assert!(!filelock::is_stale(lock1.lock_path(), Duration::from_secs(3600)).unwrap());
    // The OS lock died with the holder: taken at once, the record is now ours.
    lock1.try_lock().unwrap();
    assert_eq!(filelock::holder_pid(lock1.lock_path()).unwrap(), Some(std::process::id() as i64));

    // The other one is cleaned up; the held one is left alone.
    let report = filelock::cleanup_stale(&d.0, Duration::ZERO).unwrap();
    assert_eq!(report.removed, 1, "{report:?}");
    assert_eq!(report.stale_locks[0].pid, Some(pid2));
    assert!(!t2.with_extension("lock").exists());
    assert!(lock1.lock_path().exists());
}

#[test]
fn a_forked_childs_use_is_an_error_and_leaves_the_parents_lock() {
    let d = Scratch::new("fork2");
    let target = d.path("t");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "helper", "--nocapture", "--test-threads=1", "-q"])
        .env("LIBFILELOCK_TEST_HELPER", "fork")
        .env("LIBFILELOCK_TEST_ARGS", target.to_str().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = {
        use std::io::Read;
        let mut s = String::new();
        child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(child.wait().unwrap().success());
    assert!(out.contains("helper: child ok"), "{out}");
}

#[test]
fn a_rust_holder_excludes_the_c_tool_and_the_c_tool_excludes_rust() {
    let d = Scratch::new("mixed");
    let target = d.path("report.txt");
    let lock = Lock::new(&target).unwrap();
    lock.lock().unwrap();
    let st = Command::new(cli())
        .args(["-q", "run", "-t", "0"])
        .arg(&target)
        .args(["--", "true"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(75), "the C tool must find it busy");
    lock.unlock().unwrap();

    let mut c = Command::new(cli())
        .args(["-q", "run", "-t", "5"])
        .arg(&target)
        .args(["--", "sh", "-c", "echo held; read x; exit 0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(c.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "held");
    }
    assert!(matches!(lock.try_lock(), Err(TryLockError::WouldBlock)));
    let info = LockInfo::read(lock.lock_path(), Duration::from_secs(3600)).unwrap();
    assert_eq!(info.holder, Holder::Alive);
    drop(c.stdin.take());
    assert!(c.wait().unwrap().success());
    lock.try_lock().unwrap();
}

#[test]
fn a_named_lock_file_without_a_record_is_shared_with_a_process_using_at() {
    let d = Scratch::new("at");
    let file = d.path("plain.lock");
    std::fs::write(&file, b"").unwrap();
    let h = Helper::start("hold", &[file.to_str().unwrap(), "at", "norecord"]);
    let lock = Lock::at(&file).unwrap();
    assert!(matches!(lock.try_lock(), Err(TryLockError::WouldBlock)));
    assert_eq!(h.finish(), 0);
    assert!(file.exists(), "a named lock file is kept");
    lock.try_lock().unwrap();
}
