//! Scans and cleanup on a prepared tree, and batches (a panicking closure
//! included).
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Helper, Scratch};
use filelock::{Batch, Config, FileStatus, Holder, Lock, ScanOptions};

#[test]
#[ignore = "helper process for the other tests"]
fn helper() {
    let Some((role, args)) = common::helper_role() else { return };
    assert_eq!(role, "hold");
    let lock = Lock::new(&args[0]).unwrap();
    lock.lock().unwrap();
    common::say("ready");
    common::wait_for_parent();
}

#[test]
fn scan_and_cleanup_judge_a_prepared_tree() {
    let d = Scratch::new("tree");
    std::fs::create_dir_all(d.path("sub/deeper")).unwrap();
    // held by this process; stale (holder SIGKILLed); foreign content; a garbage record in a subdirectory.
    let held = Lock::new(d.path("held")).unwrap();
    held.lock().unwrap();
    let h = Helper::start("hold", &[d.path("sub/dead").to_str().unwrap()]);
    let dead_pid = h.pid();
    h.kill();
    std::fs::write(d.path("Cargo.lock"), b"# not ours\n[[package]]\n").unwrap();
    std::fs::write(d.path("sub/deeper/odd.lock"), b"\x00\x01binary").unwrap();

    let report = filelock::scan(&d.0).unwrap();
    let names: Vec<_> = report.locks.iter().map(|i| i.lock_path.strip_prefix(&d.0).unwrap().to_path_buf()).collect();
    assert_eq!(
        names,
        ["Cargo.lock", "held.lock", "sub/dead.lock", "sub/deeper/odd.lock"].map(std::path::PathBuf::from),
        "sorted by path"
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let by = |n: &str| report.locks.iter().find(|i| i.lock_path.ends_with(n)).unwrap();
    assert!(by("Cargo.lock").foreign);
    assert_eq!((by("held.lock").held, by("held.lock").holder), (Some(true), Holder::Alive));
    assert_eq!((by("dead.lock").pid, by("dead.lock").holder), (Some(dead_pid), Holder::Dead));
    assert!(!by("odd.lock").record_valid);

    let top = ScanOptions::new().max_depth(0).scan(&d.0).unwrap();
    assert_eq!(top.locks.len(), 2);
    assert_eq!(ScanOptions::new().recursive(false).scan(&d.0).unwrap().locks.len(), 2);
    assert_eq!(ScanOptions::new().max_depth(1).scan(&d.0).unwrap().locks.len(), 3);

    // A dry run reports, removes nothing.
    let dry = ScanOptions::new().stale_threshold(Duration::ZERO).dry_run(true).cleanup(&d.0).unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.removed, 1);
    assert!(d.path("sub/dead.lock").exists());

    let real = filelock::cleanup_stale(&d.0, Duration::ZERO).unwrap();
    assert_eq!(real.removed, 1);
    assert_eq!(real.stale_locks[0].lock_path, d.path("sub/dead.lock"));
    assert!(!d.path("sub/dead.lock").exists());
    for kept in ["held.lock", "Cargo.lock", "sub/deeper/odd.lock"] {
        assert!(d.path(kept).exists(), "{kept} must be left alone");
    }
    assert_eq!(std::fs::read(d.path("Cargo.lock")).unwrap(), b"# not ours\n[[package]]\n");
    assert!(!filelock::remove_if_stale(d.path("held.lock"), Duration::ZERO).unwrap());
    assert_eq!(filelock::scan(d.path("nowhere")).unwrap_err().code(), filelock::Code::NotFound);
}

#[test]
fn a_batch_survives_a_panicking_closure_and_reports_each_file() {
    let d = Scratch::new("batch");
    let paths: Vec<_> = (0..6).map(|i| d.path(&format!("f{i}"))).collect();
    let ran = AtomicUsize::new(0);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let p2 = Arc::clone(&progress);
    let mut batch = Batch::new(None).unwrap();
    batch.workers(3).unwrap().on_progress(move |done, total| p2.lock().unwrap().push((done, total))).unwrap();
    let results = batch
        .run(&paths, |path| {
            ran.fetch_add(1, Ordering::Relaxed);
            assert!(filelock::is_locked(path).unwrap(), "the closure runs under the file's lock");
            match path.file_name().unwrap().to_str().unwrap() {
                "f2" => panic!("boom on f2"),
                "f4" => Err(format!("cannot read {}", path.display())),
                _ => Ok(()),
            }
        })
        .unwrap();
    assert_eq!(ran.load(Ordering::Relaxed), 6);
    assert_eq!((results.done, results.failed, results.errors), (4, 2, 0));
    let r2 = &results.items[2];
    assert_eq!((r2.status, r2.code), (FileStatus::Failed, filelock::CLOSURE_PANICKED));
    assert_eq!(r2.error.as_deref(), Some("panicked: boom on f2"));
    let r4 = &results.items[4];
    assert_eq!((r4.status, r4.code), (FileStatus::Failed, filelock::CLOSURE_FAILED));
    assert!(r4.error.as_deref().unwrap().starts_with("cannot read"));
    assert_eq!(results.items[0].path, paths[0]);
    assert_eq!(results.items[0].status, FileStatus::Done);
    assert_eq!(results.items[0].attempts, 1);
    let mut seen = progress.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, (1..=6).map(|k| (k, 6)).collect::<Vec<_>>());
    for p in &paths {
        assert!(!filelock::is_locked(p).unwrap());
    }
}

#[test]
fn a_batch_skips_locked_files_and_can_be_stopped() {
    let d = Scratch::new("batch2");
    let paths: Vec<_> = (0..4).map(|i| d.path(&format!("g{i}"))).collect();
    // Held by another thread (a lock this thread held would be a deadlock for run_one).
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let target = paths[1].clone();
    let holder = std::thread::spawn(move || {
        let held = Lock::new(&target).unwrap();
        held.lock().unwrap();
        ready_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    ready.recv().unwrap();
    let cfg = Config::from_yaml(
        "file_locking:\n  timeout_seconds: 0\n  retry_attempts: 0\n  cleanup_stale_locks: false\n",
        None,
    )
    .unwrap();
    let mut batch = Batch::new(Some(&cfg)).unwrap();
    batch.workers(1).unwrap().skip_locked(true).unwrap();
    let r = batch.run(&paths, |_| Ok::<(), String>(())).unwrap();
    assert_eq!(r.items[1].status, FileStatus::Skipped);
    assert_eq!((r.done, r.skipped), (3, 1));

    // One worker, stopped from inside the first file: the rest are cancelled.
    let mut batch = Batch::new(Some(&cfg)).unwrap();
    batch.workers(1).unwrap();
    let stopper = batch.stopper();
    let r = batch.run(&paths[2..], |_| stopper.stop().map_err(|e| e.to_string())).unwrap();
    assert_eq!(r.items[0].status, FileStatus::Done);
    assert_eq!(r.items[1].status, FileStatus::Cancelled);

    // run_one: the same policy for one file; a held file is locked out.
    let one = batch.run_one(&paths[1], |_| Ok::<(), String>(())).unwrap();
    assert_eq!(one.status, FileStatus::LockedOut);
    let one = batch.run_one(&paths[0], |_| Err("no")).unwrap();
    assert_eq!((one.status, one.error.as_deref()), (FileStatus::Failed, Some("no")));
    release.send(()).unwrap();
    holder.join().unwrap();
}
