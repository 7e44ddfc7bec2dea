//! The declarations against the library they declare: struct sizes and
//! field offsets against the build tree's layout dump, constants against
//! its values, and the function list against the version script.
//!
//! The dump is found through LIBFILELOCK_LAYOUT (the file) or LIBFILELOCK_BUILD
//! (a meson build directory: tests/abi/filelock-layout.json).
use std::collections::BTreeMap;
use std::mem::{offset_of, size_of};
use std::path::PathBuf;

use filelock_sys::*;

/// Just enough JSON for the dump: objects, arrays, integers, strings.
#[derive(Debug)]
enum Json {
    Obj(BTreeMap<String, Json>),
    Arr(Vec<Json>),
    Num(i64),
    Str,
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s.get(self.i), Some(&c), "layout dump: expected '{}' at byte {}", c as char, self.i);
        self.i += 1;
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let start = self.i;
        while self.s[self.i] != b'"' {
            assert_ne!(self.s[self.i], b'\\', "layout dump: escapes are not expected");
            self.i += 1;
        }
        self.i += 1;
        String::from_utf8(self.s[start..self.i - 1].to_vec()).unwrap()
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    let k = self.string();
                    self.eat(b':');
                    m.insert(k, self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    v.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(v);
                    }
                }
            }
            b'"' => {
                self.string();
                Json::Str
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && (self.s[self.i] == b'-' || self.s[self.i].is_ascii_digit()) {
                    self.i += 1;
                }
                Json::Num(std::str::from_utf8(&self.s[start..self.i]).unwrap().parse().unwrap())
            }
        }
    }
}

impl Json {
    fn get(&self, k: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(k).unwrap_or_else(|| panic!("layout dump has no '{k}'")),
            _ => panic!("not an object"),
        }
    }
    fn obj(&self) -> &BTreeMap<String, Json> {
        match self {
            Json::Obj(m) => m,
            _ => panic!("not an object"),
        }
    }
    fn num(&self) -> i64 {
        match self {
            Json::Num(n) => *n,
            Json::Arr(_) | Json::Obj(_) | Json::Str => panic!("not a number"),
        }
    }
}

fn layout() -> Json {
    let path = match (std::env::var_os("LIBFILELOCK_LAYOUT"), std::env::var_os("LIBFILELOCK_BUILD")) {
        (Some(p), _) => PathBuf::from(p),
        (None, Some(b)) => PathBuf::from(b).join("tests/abi/filelock-layout.json"),
        (None, None) => panic!("set LIBFILELOCK_LAYOUT or LIBFILELOCK_BUILD to find filelock-layout.json"),
    };
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Parser { s: &text, i: 0 }.value()
}

macro_rules! fields {
    ($t:ty; $($f:ident),* $(,)?) => {
        (size_of::<$t>(), vec![$((stringify!($f), offset_of!($t, $f)),)*])
    };
}

#[test]
fn structs_match_the_layout_dump() {
    let dump = layout();
    type Layout = (usize, Vec<(&'static str, usize)>);
    let ours: Vec<(&str, Layout)> = vec![
        (
            "fl_lock_info",
            fields!(fl_lock_info; struct_size, lock_path, target_path, pid, host, boot_id,
            start_token, acquired_ms, age_ms, held, holder, stale, record_valid, tag, reason,
            size_bytes, foreign, kind, other_host, fencing_token, lease_ttl_ms),
        ),
        ("fl_scan_error", fields!(fl_scan_error; struct_size, path, message, code)),
        ("fl_lock_list", fields!(fl_lock_list; struct_size, items, count, errors, error_count)),
        (
            "fl_clean_report",
            fields!(fl_clean_report; struct_size, count, stale_locks, stale_count,
            errors, error_count, dry_run),
        ),
        (
            "fl_file_result",
            fields!(fl_file_result; struct_size, path, status, code, attempts,
            lock_wait_us, process_us, message),
        ),
        (
            "fl_batch_results",
            fields!(fl_batch_results; struct_size, items, count, done, failed,
            locked_out, skipped, cancelled, errors, wall_us),
        ),
    ];
    let structs = dump.get("structs").obj();
    assert_eq!(
        structs.keys().collect::<Vec<_>>().len(),
        ours.len(),
        "the dump lists structs this crate does not declare: {:?}",
        structs.keys().collect::<Vec<_>>()
    );
    for (name, (size, fields)) in &ours {
        let s = dump.get("structs").get(name);
        assert_eq!(s.get("size").num() as usize, *size, "size of {name}");
        let want = s.get("fields").obj();
        assert_eq!(want.len(), fields.len(), "{name}: the dump has {} fields, we declare {}", want.len(), fields.len());
        for (field, off) in fields {
            match s.get("fields").get(field) {
                Json::Arr(v) => assert_eq!(v[0].num() as usize, *off, "offset of {name}.{field}"),
                _ => panic!("{name}.{field}: not [offset, size]"),
            }
        }
    }
}

#[test]
fn constants_match_the_layout_dump() {
    let dump = layout();
    let ours: BTreeMap<&str, i64> = [
        ("FL_OK", FL_OK as i64),
        ("FL_EBUSY", FL_EBUSY as i64),
        ("FL_ETIMEDOUT", FL_ETIMEDOUT as i64),
        ("FL_EDEADLK", FL_EDEADLK as i64),
        ("FL_EFORKED", FL_EFORKED as i64),
        ("FL_EINVAL", FL_EINVAL as i64),
        ("FL_ENOENT", FL_ENOENT as i64),
        ("FL_EPERM", FL_EPERM as i64),
        ("FL_EUNSAFE", FL_EUNSAFE as i64),
        ("FL_EIO", FL_EIO as i64),
        ("FL_ENOTSUP", FL_ENOTSUP as i64),
        ("FL_ENOMEM", FL_ENOMEM as i64),
        ("FL_EINTERNAL", FL_EINTERNAL as i64),
        ("FL_ECONFIG", FL_ECONFIG as i64),
        ("FL_ECANCELED", FL_ECANCELED as i64),
        ("FL_ELOST", FL_ELOST as i64),
        ("FL_EUNAVAIL", FL_EUNAVAIL as i64),
        ("FL_WAIT_FOREVER", FL_WAIT_FOREVER),
        ("FL_WAIT_DEFAULT", FL_WAIT_DEFAULT),
        ("FL_HOLDER_UNKNOWN", FL_HOLDER_UNKNOWN as i64),
        ("FL_HOLDER_ALIVE", FL_HOLDER_ALIVE as i64),
        ("FL_HOLDER_DEAD", FL_HOLDER_DEAD as i64),
        ("FL_CONFIG_IGNORE_ENV", FL_CONFIG_IGNORE_ENV as i64),
        ("FL_LOG_TRACE", FL_LOG_TRACE as i64),
        ("FL_LOG_DEBUG", FL_LOG_DEBUG as i64),
        ("FL_LOG_INFO", FL_LOG_INFO as i64),
        ("FL_LOG_WARN", FL_LOG_WARN as i64),
        ("FL_LOG_ERROR", FL_LOG_ERROR as i64),
        ("FL_LOG_OFF", FL_LOG_OFF as i64),
        ("FL_FILE_DONE", FL_FILE_DONE as i64),
        ("FL_FILE_FAILED", FL_FILE_FAILED as i64),
        ("FL_FILE_LOCKED_OUT", FL_FILE_LOCKED_OUT as i64),
        ("FL_FILE_SKIPPED", FL_FILE_SKIPPED as i64),
        ("FL_FILE_CANCELLED", FL_FILE_CANCELLED as i64),
        ("FL_FILE_ERROR", FL_FILE_ERROR as i64),
        ("FL_LIB_VERSION_NUMBER", FL_LIB_VERSION_NUMBER as i64),
    ]
    .into_iter()
    .collect();
    let theirs = dump.get("constants").obj();
    for (name, v) in theirs {
        assert_eq!(ours.get(name.as_str()), Some(&v.num()), "constant {name}");
    }
    assert_eq!(ours.len(), theirs.len(), "this crate declares constants the dump lacks");
}

fn names_in(text: &str, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .zip(text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).skip(1))
        .filter(|(a, b)| *a == prefix && b.starts_with("fl_"))
        .map(|(_, b)| b.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn every_exported_function_is_declared() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let sym = std::fs::read_to_string(root.join("capi/filelock.sym")).expect("capi/filelock.sym");
    let mut exported: Vec<String> = sym
        .split(|c: char| c.is_whitespace())
        .filter_map(|w| w.strip_suffix(';'))
        .filter(|w| w.starts_with("fl_"))
        .map(str::to_string)
        .collect();
    exported.sort();
    let ours = include_str!("../src/lib.rs");
    assert_eq!(names_in(ours, "fn"), exported);
}

#[test]
fn the_loaded_library_is_this_abi() {
    let v = unsafe { fl_version_number() };
    assert_eq!(v / 10000, FL_LIB_VERSION_MAJOR);
    assert!(v >= FL_LIB_VERSION_NUMBER, "loaded library {v} is older than the declarations");
}
