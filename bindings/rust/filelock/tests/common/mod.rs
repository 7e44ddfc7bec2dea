//! Helpers for the integration tests: scratch directories, and helper
//! processes (the test binary re-run as its ignored `helper` test).
#![allow(dead_code)]
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory, removed with what is in it when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::var_os("LIBFILELOCK_TEST_TMP").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("filelock-rs-{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A helper process: runs `role` with `args` (see each test file's
/// `helper`), reports "ready" on stdout, then waits for its stdin to close.
pub struct Helper {
    pub child: Child,
    out: BufReader<ChildStdout>,
}

impl Helper {
    pub fn start(role: &str, args: &[&str]) -> Helper {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "helper", "--nocapture", "--test-threads=1", "-q"])
            .env("LIBFILELOCK_TEST_HELPER", role)
            .env("LIBFILELOCK_TEST_ARGS", args.join("\u{1f}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut h = Helper { child, out };
        let line = h.line();
        assert_eq!(line, "ready", "helper {role} said {line:?}");
        h
    }

    /// The next line the helper printed ("" at its end).
    pub fn line(&mut self) -> String {
        loop {
            let mut s = String::new();
            if self.out.read_line(&mut s).unwrap() == 0 {
                return String::new();
            }
            let s = s.trim().to_string();
            // The test harness prints its own lines around the helper's.
            if let Some(rest) = s.strip_prefix("helper: ") {
                return rest.to_string();
            }
        }
    }

    pub fn pid(&self) -> i64 {
        self.child.id() as i64
    }

    /// Tell it to finish (close stdin) and wait; its exit code.
    pub fn finish(mut self) -> i32 {
        drop(self.child.stdin.take());
        self.child.wait().unwrap().code().unwrap_or(-1)
    }

    /// SIGKILL it and reap it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// In a helper: its role and arguments (None in the normal test run).
pub fn helper_role() -> Option<(String, Vec<String>)> {
    let role = std::env::var("LIBFILELOCK_TEST_HELPER").ok()?;
    let args = std::env::var("LIBFILELOCK_TEST_ARGS").unwrap_or_default();
    Some((role, args.split('\u{1f}').filter(|s| !s.is_empty()).map(str::to_string).collect()))
}

/// In a helper: say something to the test.
pub fn say(what: &str) {
    let mut o = std::io::stdout().lock();
    writeln!(o, "helper: {what}").unwrap();
    o.flush().unwrap();
}

/// In a helper: wait until the test closes our stdin.
pub fn wait_for_parent() {
    let mut s = String::new();
    while std::io::stdin().read_line(&mut s).unwrap_or(0) > 0 {}
}

/// The C command-line tool, for the mixed-language tests.
pub fn cli() -> PathBuf {
    if let Some(p) = std::env::var_os("LIBFILELOCK_CLI") {
        return PathBuf::from(p);
    }
    if let Some(b) = std::env::var_os("LIBFILELOCK_BUILD") {
        let p = Path::new(&b).join("cli/filelock");
        if p.exists() {
            return p;
        }
    }
    panic!("set LIBFILELOCK_CLI (the filelock program) or LIBFILELOCK_BUILD (a build tree with cli/filelock)");
}
