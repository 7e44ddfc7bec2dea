//! Finds libfilelock: FILELOCK_LIB_DIR (a directory holding libfilelock.so
//! or .a) first, then the pkg-config program (`filelock`, which also finds
//! a build tree's `meson-uninstalled/filelock-uninstalled.pc` through
//! PKG_CONFIG_PATH).  FILELOCK_STATIC=1 links the static library and its
//! C++ dependencies.
use std::env;
use std::path::Path;
use std::process::Command;

fn truthy(name: &str) -> bool {
    matches!(env::var(name).as_deref(), Ok("1") | Ok("true") | Ok("yes") | Ok("on"))
}

/// Emit one pkg-config `--libs` output as cargo directives; returns the -L dirs.
fn emit_libs(flags: &str, filelock_kind: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
            dirs.push(dir.to_string());
        } else if let Some(lib) = flag.strip_prefix("-l") {
            let kind = if lib == "filelock" { filelock_kind } else { "dylib" };
            println!("cargo:rustc-link-lib={kind}={lib}");
        } else if flag == "-pthread" {
            println!("cargo:rustc-link-lib=dylib=pthread");
        }
    }
    dirs
}

fn pkg_config(args: &[&str]) -> Result<String, String> {
    let program = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let out = Command::new(&program).args(args).output().map_err(|e| format!("`{program}` could not be run: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{program} {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Tell dependents (and this crate's own tests, through an rpath) where the
/// library is, when it is not in a system directory.
fn export_dir(dir: &str) {
    println!("cargo:lib_dir={dir}");
    if !dir.starts_with("/usr/lib") && !dir.starts_with("/lib") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}

fn main() {
    for var in ["FILELOCK_LIB_DIR", "FILELOCK_STATIC", "PKG_CONFIG", "PKG_CONFIG_PATH"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let want_static = truthy("FILELOCK_STATIC");
    let kind = if want_static { "static" } else { "dylib" };

    if let Ok(dir) = env::var("FILELOCK_LIB_DIR") {
        let file = if want_static { "libfilelock.a" } else { "libfilelock.so" };
        if !Path::new(&dir).join(file).exists() {
            panic!("FILELOCK_LIB_DIR={dir} holds no {file}");
        }
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-lib={kind}=filelock");
        if want_static {
            // The C++ core's own dependencies, as their pkg-config files say.
            match pkg_config(&["--libs", "--static", "yaml-cpp"]) {
                Ok(libs) => {
                    emit_libs(&libs, kind);
                }
                Err(e) => panic!("FILELOCK_STATIC=1 needs the libraries behind libfilelock.a: {e}"),
            }
            println!("cargo:rustc-link-lib=dylib=stdc++");
        }
        export_dir(&dir);
        return;
    }

    let mut args = vec!["--libs"];
    if want_static {
        args.push("--static");
    }
    args.push("filelock");
    let version = pkg_config(&["--modversion", "filelock"]);
    match (pkg_config(&args), version) {
        (Ok(libs), Ok(version)) => {
            let (major, minor) = {
                let mut it = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
                (it.next().unwrap_or(0), it.next().unwrap_or(0))
            };
            if major != 1 || minor < 1 {
                panic!("pkg-config found libfilelock {version}; this crate needs 1.1 or later 1.x");
            }
            let dirs = emit_libs(&libs, kind);
            if want_static {
                println!("cargo:rustc-link-lib=dylib=stdc++");
            }
            if let Some(dir) = dirs.first() {
                export_dir(dir);
            }
        }
        (Err(e), _) | (_, Err(e)) => panic!(
            "libfilelock not found.\n  tried: FILELOCK_LIB_DIR (not set)\n  tried: {e}\n  \
             Install libfilelock-dev, or point PKG_CONFIG_PATH at a build tree's \
             meson-uninstalled directory, or set FILELOCK_LIB_DIR to the directory \
             holding libfilelock.so (FILELOCK_STATIC=1: libfilelock.a)."
        ),
    }
}
