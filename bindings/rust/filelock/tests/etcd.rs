//! The etcd backend through the Rust API, against the member that
//! run_tests.py starts (LIBFILELOCK_ETCD_URL): exclusion between two
//! `Lock`s, fencing tokens, `check`, and the new codes.
use std::fs::TryLockError;
use std::time::Duration;

use filelock::{Code, Lock};

fn url() -> Option<String> {
    let u = std::env::var("LIBFILELOCK_ETCD_URL").ok();
    if u.is_none() {
        eprintln!("LIBFILELOCK_ETCD_URL is not set (run_tests.py starts a member): not run");
    }
    u
}

#[test]
fn two_locks_on_one_name_exclude_each_other_and_tokens_grow() {
    let Some(url) = url() else { return };
    let make = || Lock::builder().backend(url.clone()).lease_ttl(Duration::from_secs(5)).build("rust-job").unwrap();
    let (a, b) = (make(), make());
    a.lock().unwrap();
    let t1 = a.fencing_token().unwrap();
    assert!(t1 > 0);
    a.check().unwrap();
    assert!(matches!(b.try_lock(), Err(TryLockError::WouldBlock)));
    a.unlock().unwrap();
    b.lock().unwrap();
    assert!(b.fencing_token().unwrap() > t1);
    b.unlock().unwrap();
    assert_eq!(b.check().unwrap_err().code(), Code::InvalidInput); // not held
}

#[test]
fn lock_files_have_no_token_and_etcd_down_is_unavailable() {
    let Some(_) = url() else { return };
    let dir = std::env::temp_dir().join(format!("fl-rust-etcd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = Lock::new(dir.join("t")).unwrap();
    f.lock().unwrap();
    assert_eq!(f.fencing_token().unwrap_err().code(), Code::Unsupported);
    f.check().unwrap();
    f.unlock().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let down = Lock::builder().backend("etcd://127.0.0.1:9/x").build("n").unwrap();
    let e = down.lock_timeout(Duration::from_secs(2)).unwrap_err();
    assert_eq!((e.code(), e.kind()), (Code::Unavailable, std::io::ErrorKind::NotConnected));
    let bad = Lock::builder().backend("etcd://h:99999/x").build("n").unwrap_err();
    assert_eq!(bad.code(), Code::InvalidInput);
}
