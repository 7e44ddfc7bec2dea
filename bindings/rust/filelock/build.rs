//! Lets this crate's own tests and examples (not its doc tests) find the library the
//! -sys crate linked, without LD_LIBRARY_PATH, when it is not installed in a
//! system directory.
fn main() {
    println!("cargo:rerun-if-env-changed=FILELOCK_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_FILELOCK_LIB_DIR") {
        if !dir.starts_with("/usr/lib") && !dir.starts_with("/lib") {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
}
