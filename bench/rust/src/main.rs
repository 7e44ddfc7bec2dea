//! filelock-rust-bench: what the Rust binding adds to the C library.
//!
//! 1. Uncontended lock + unlock cycles in one process, rounds interleaved:
//!    the crate's `Lock` and the C API called directly (`fl_acquire` /
//!    `fl_release` through filelock-sys) with the same options, for the
//!    default lock (record, removed on release) and for a named file kept
//!    without a record, beside std's `File::lock` on an open file (plain
//!    flock: the floor).  Median over rounds of ns per cycle; the binding's
//!    target is under 5% over C.
//! 2. Two-process hand-off: the holder waits for the other process to say it
//!    is about to lock, sleeps 0.5..2 ms, stamps CLOCK_MONOTONIC, releases;
//!    the waiter stamps when its lock call returns and says so; only then
//!    does the holder go on to the next round.  p50 / p99 in us.
//!
//! usage: filelock-rust-bench [--dir DIR] [--cycles N] [--rounds R] [--handoffs N]
//!        filelock-rust-bench --only rust|c|rust-keep|c-keep|std [--cycles N]
//!          (just those cycles, to count instructions under callgrind)
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use filelock_sys as sys;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}
extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

fn mono_ns() -> i64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    unsafe { clock_gettime(1, &mut ts) }; // CLOCK_MONOTONIC
    ts.sec * 1_000_000_000 + ts.nsec
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    RustDefault,
    CDefault,
    RustKeep,
    CKeep,
    Std,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::RustDefault => "rust",
            Kind::CDefault => "c",
            Kind::RustKeep => "rust-keep",
            Kind::CKeep => "c-keep",
            Kind::Std => "std",
        }
    }
    fn parse(s: &str) -> Kind {
        [Kind::RustDefault, Kind::CDefault, Kind::RustKeep, Kind::CKeep, Kind::Std]
            .into_iter()
            .find(|k| k.name() == s)
            .unwrap_or_else(|| panic!("unknown kind {s}"))
    }
    /// The file the kind locks: a target (default kinds) or the lock file itself.
    fn path(self, dir: &Path, tag: &str) -> PathBuf {
        match self {
            Kind::RustDefault | Kind::CDefault => dir.join(format!("{tag}-default")),
            _ => dir.join(format!("{tag}-keep.lock")),
        }
    }
}

/// One lock of a kind, behind one interface.
enum Locker {
    Rust(filelock::Lock),
    C(*mut sys::fl_lock),
    Std(std::fs::File),
}

impl Locker {
    fn new(kind: Kind, path: &Path) -> Locker {
        match kind {
            Kind::RustDefault => Locker::Rust(filelock::Lock::new(path).unwrap()),
            Kind::RustKeep => Locker::Rust(filelock::Lock::builder().record(false).build_at(path).unwrap()),
            Kind::CDefault | Kind::CKeep => unsafe {
                let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
                let mut o = std::ptr::null_mut();
                assert_eq!(sys::fl_options_new(&mut o), 0);
                let mut l = std::ptr::null_mut();
                let rc = if kind == Kind::CKeep {
                    sys::fl_options_set_write_record(o, 0);
                    sys::fl_lock_new_file(&mut l, c.as_ptr(), o)
                } else {
                    sys::fl_lock_new(&mut l, c.as_ptr(), o)
                };
                assert_eq!(rc, 0);
                sys::fl_options_free(o);
                Locker::C(l)
            },
            Kind::Std => Locker::Std(
                std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).unwrap(),
            ),
        }
    }
    #[inline]
    fn lock(&self) {
        match self {
            Locker::Rust(l) => l.lock().unwrap(),
            Locker::C(l) => assert_eq!(unsafe { sys::fl_acquire(*l, sys::FL_WAIT_FOREVER) }, 0),
            Locker::Std(f) => f.lock().unwrap(),
        }
    }
    #[inline]
    fn unlock(&self) {
        match self {
            Locker::Rust(l) => l.unlock().unwrap(),
            Locker::C(l) => assert_eq!(unsafe { sys::fl_release(*l) }, 0),
            Locker::Std(f) => f.unlock().unwrap(),
        }
    }
}

impl Drop for Locker {
    fn drop(&mut self) {
        if let Locker::C(l) = self {
            unsafe { sys::fl_lock_free(*l) }
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn uncontended(dir: &Path, cycles: usize, rounds: usize) -> Vec<(Kind, f64)> {
    let kinds = [Kind::RustDefault, Kind::CDefault, Kind::RustKeep, Kind::CKeep, Kind::Std];
    let lockers: Vec<Locker> =
        kinds.iter().map(|k| Locker::new(*k, &k.path(dir, &format!("u-{}", k.name())))).collect();
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    for r in 0..=rounds {
        for k in 0..kinds.len() {
            let k = (k + r) % kinds.len(); // rotate the order each round
            let l = &lockers[k];
            let t = Instant::now();
            for _ in 0..cycles {
                l.lock();
                l.unlock();
            }
            if r > 0 {
                per[k].push(t.elapsed().as_nanos() as f64 / cycles as f64);
            }
        }
    }
    kinds.iter().zip(per.iter_mut()).map(|(k, v)| (*k, median(v))).collect()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One side of the hand-off: `me` 0 holds first.  Returns the latencies it saw as waiter.
fn handoff_side(
    kind: Kind,
    path: &Path,
    n: usize,
    me: usize,
    locker: &Locker,
    rx: &mut dyn BufRead,
    tx: &mut dyn Write,
) -> Vec<f64> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (std::process::id() as u64) << 1 | 1);
    let mut lat = Vec::new();
    let _ = (kind, path);
    let mut line = String::new();
    for i in 0..n {
        if i % 2 == me {
            // Holder: wait for "about to lock", let it block, release.
            line.clear();
            rx.read_line(&mut line).unwrap();
            assert_eq!(line.trim(), "w");
            let pause = 500 + rng.next() % 1500;
            std::thread::sleep(std::time::Duration::from_micros(pause));
            let t = mono_ns();
            locker.unlock();
            writeln!(tx, "{t}").unwrap();
            tx.flush().unwrap();
            // Not on to the next round (and a lock call of our own) before it holds.
            line.clear();
            rx.read_line(&mut line).unwrap();
            assert_eq!(line.trim(), "g");
        } else {
            writeln!(tx, "w").unwrap();
            tx.flush().unwrap();
            locker.lock();
            let got = mono_ns();
            writeln!(tx, "g").unwrap();
            tx.flush().unwrap();
            line.clear();
            rx.read_line(&mut line).unwrap();
            let t: i64 = line.trim().parse().unwrap();
            if i > 1 {
                lat.push((got - t) as f64 / 1000.0);
            }
        }
    }
    lat
}

fn handoff(kind: Kind, dir: &Path, n: usize) -> (f64, f64) {
    let path = kind.path(dir, &format!("h-{}", kind.name()));
    let locker = Locker::new(kind, &path);
    locker.lock();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--child", kind.name(), path.to_str().unwrap(), &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut tx = child.stdin.take().unwrap();
    let mut rx = BufReader::new(child.stdout.take().unwrap());
    let mut lat = handoff_side(kind, &path, n, 0, &locker, &mut rx, &mut tx);
    // The child's latencies follow, one line.
    let mut line = String::new();
    rx.read_line(&mut line).unwrap();
    lat.extend(line.split_whitespace().map(|v| v.parse::<f64>().unwrap()));
    drop(tx);
    assert!(child.wait().unwrap().success());
    locker.unlock();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (lat[lat.len() / 2], lat[lat.len() * 99 / 100])
}

fn child(args: &[String]) {
    let kind = Kind::parse(&args[0]);
    let path = PathBuf::from(&args[1]);
    let n: usize = args[2].parse().unwrap();
    let locker = Locker::new(kind, &path);
    let stdin = std::io::stdin();
    let mut rx = stdin.lock();
    let mut tx = std::io::stdout().lock();
    let lat = handoff_side(kind, &path, n, 1, &locker, &mut rx, &mut tx);
    let text: Vec<String> = lat.iter().map(|v| format!("{v:.3}")).collect();
    writeln!(tx, "{}", text.join(" ")).unwrap();
    tx.flush().unwrap();
    // Wait for the parent to finish reading before releasing.
    let mut s = String::new();
    while rx.read_line(&mut s).unwrap_or(0) > 0 {}
    if n % 2 == 1 {
        locker.unlock();
    }
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).map_or(default, |i| args[i + 1].parse().unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    let cycles = arg(&args, "--cycles", 2000);
    if let Some(i) = args.iter().position(|a| a == "--only") {
        // One kind's cycles and nothing else: for instruction counts
        // (valgrind --tool=callgrind), which are repeatable where times are not.
        let kind = Kind::parse(&args[i + 1]);
        let dir = std::env::temp_dir().join(format!("filelock-rust-bench.{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let l = Locker::new(kind, &kind.path(&dir, "only"));
        for _ in 0..cycles {
            l.lock();
            l.unlock();
        }
        drop(l);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let rounds = arg(&args, "--rounds", 15);
    let handoffs = arg(&args, "--handoffs", 300);
    let (dir, made) = match args.iter().position(|a| a == "--dir") {
        Some(i) => (PathBuf::from(&args[i + 1]), false),
        None => {
            let d = std::env::temp_dir().join(format!("filelock-rust-bench.{}", std::process::id()));
            std::fs::create_dir_all(&d).unwrap();
            (d, true)
        }
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "filelock-rust-bench  libfilelock {}  cycles {cycles} x {rounds} rounds  hand-offs {handoffs}  loadavg {}  dir {}",
        filelock::library_version(),
        load.split_whitespace().next().unwrap_or("?"),
        dir.display()
    );

    let u = uncontended(&dir, cycles, rounds);
    let get = |k: Kind| u.iter().find(|(x, _)| *x == k).unwrap().1;
    println!("\n1. uncontended lock + unlock, median ns per cycle");
    println!("{:<44} {:>10} {:>10}", "", "ns/cycle", "vs C");
    let rows = [
        ("Lock::new (record, removed on release)", Kind::RustDefault, Some(Kind::CDefault)),
        ("C fl_lock_new, same options", Kind::CDefault, None),
        ("Lock::at, no record, kept", Kind::RustKeep, Some(Kind::CKeep)),
        ("C fl_lock_new_file, same options", Kind::CKeep, None),
        ("floor: std File::lock on an open file", Kind::Std, None),
    ];
    for (label, k, vs) in rows {
        let v = get(k);
        match vs {
            Some(c) => println!("{label:<44} {v:>10.0} {:>9.3}x", v / get(c)),
            None => println!("{label:<44} {v:>10.0}"),
        }
    }
    println!(
        "binding overhead (target < 5%): default {:+.1}%, keep {:+.1}%",
        (get(Kind::RustDefault) / get(Kind::CDefault) - 1.0) * 100.0,
        (get(Kind::RustKeep) / get(Kind::CKeep) - 1.0) * 100.0
    );

    println!("\n2. two-process hand-off, us (holder's release stamp -> waiter holds)");
    println!("{:<44} {:>10} {:>10}", "", "p50", "p99");
    for (label, k) in [
        ("Lock::new (record, removed on release)", Kind::RustDefault),
        ("C fl_lock_new, same options", Kind::CDefault),
        ("Lock::at, no record, kept", Kind::RustKeep),
        ("C fl_lock_new_file, same options", Kind::CKeep),
        ("floor: std File::lock (blocking flock)", Kind::Std),
    ] {
        let (p50, p99) = handoff(k, &dir, handoffs);
        println!("{label:<44} {p50:>10.1} {p99:>10.1}");
    }
    if made {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
