// A std-shaped file type over the filelock crate, so that lock tests
// written against std's `File::lock` and the fs4 crate's `FileExt` run
// unchanged against it.  Each adapter file opens the real file (as std
// does) and locks it through `filelock::Lock::at` with no record and the
// file kept, so no byte of it is touched; clones share the lock, as
// clones of a descriptor share a flock.
#![allow(dead_code)]

use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use std::fs::TryLockError;

pub struct File {
    pub inner: std::fs::File,
    lock: Rc<filelock::Lock>,
}

fn lock_for(path: &Path) -> io::Result<Rc<filelock::Lock>> {
    let lock = filelock::Lock::builder().record(false).keep_file(true).build_at(path)?;
    Ok(Rc::new(lock))
}

impl File {
    pub fn create<P: AsRef<Path>>(p: P) -> io::Result<File> {
        let inner = std::fs::File::create(p.as_ref())?;
        Ok(File { inner, lock: lock_for(p.as_ref())? })
    }

    pub fn open<P: AsRef<Path>>(p: P) -> io::Result<File> {
        let inner = std::fs::File::open(p.as_ref())?;
        Ok(File { inner, lock: lock_for(p.as_ref())? })
    }

    pub fn try_clone(&self) -> io::Result<File> {
        Ok(File { inner: self.inner.try_clone()?, lock: Rc::clone(&self.lock) })
    }

    pub fn lock(&self) -> io::Result<()> {
        Ok(self.lock.lock()?)
    }

    pub fn lock_shared(&self) -> io::Result<()> {
        Ok(self.lock.lock_shared()?)
    }

    pub fn try_lock(&self) -> Result<(), TryLockError> {
        self.lock.try_lock()
    }

    pub fn try_lock_shared(&self) -> Result<(), TryLockError> {
        self.lock.try_lock_shared()
    }

    pub fn unlock(&self) -> io::Result<()> {
        Ok(self.lock.unlock()?)
    }
}

#[derive(Clone)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }
    pub fn read(&mut self, on: bool) -> &mut OpenOptions {
        self.0.read(on);
        self
    }
    pub fn write(&mut self, on: bool) -> &mut OpenOptions {
        self.0.write(on);
        self
    }
    pub fn create(&mut self, on: bool) -> &mut OpenOptions {
        self.0.create(on);
        self
    }
    pub fn truncate(&mut self, on: bool) -> &mut OpenOptions {
        self.0.truncate(on);
        self
    }
    pub fn append(&mut self, on: bool) -> &mut OpenOptions {
        self.0.append(on);
        self
    }
    pub fn open<P: AsRef<Path>>(&self, p: P) -> io::Result<File> {
        let inner = self.0.open(p.as_ref())?;
        Ok(File { inner, lock: lock_for(p.as_ref())? })
    }
}

/// A scratch directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn with_prefix(prefix: &str) -> io::Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn join<P: AsRef<Path>>(&self, p: P) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn tmpdir() -> TempDir {
    TempDir::with_prefix("std-lock").unwrap()
}

/// The fs4 shape: the `FileExt` trait, `fs::OpenOptions`, `tempfile::TempDir`.
pub mod fs4 {
    pub use super::TryLockError;
    use std::io;

    pub trait FileExt {
        fn lock(&self) -> io::Result<()>;
        fn lock_shared(&self) -> io::Result<()>;
        fn try_lock(&self) -> Result<(), TryLockError>;
        fn try_lock_shared(&self) -> Result<(), TryLockError>;
        fn unlock(&self) -> io::Result<()>;
    }

    impl FileExt for super::File {
        fn lock(&self) -> io::Result<()> {
            super::File::lock(self)
        }
        fn lock_shared(&self) -> io::Result<()> {
            super::File::lock_shared(self)
        }
        fn try_lock(&self) -> Result<(), TryLockError> {
            super::File::try_lock(self)
        }
        fn try_lock_shared(&self) -> Result<(), TryLockError> {
            super::File::try_lock_shared(self)
        }
        fn unlock(&self) -> io::Result<()> {
            super::File::unlock(self)
        }
    }

    pub mod fs {
        pub use super::super::OpenOptions;
    }

    pub mod tempfile {
        pub use super::super::TempDir;
    }
}
