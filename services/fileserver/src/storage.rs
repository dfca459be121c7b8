//! Files on disk. The path of a file comes from its id alone
//! (`<root>/<xx>/<yy>/<file id>`, `xx`/`yy` from the id's random tail), so
//! nothing a client sends can name a path. An upload is written to
//! `<root>/tmp/<random>`, fsynced, then renamed into place (and the
//! directory fsynced): a file is either whole at its path or not there.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use vc_protocol::FileId;

/// Where temporary files live, under the root.
const TMP_DIR: &str = "tmp";

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
    tmp: PathBuf,
}

/// A thumbnail's format (its file name ends with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThumbFormat {
    Jpeg,
    Png,
}

impl ThumbFormat {
    pub const ALL: [ThumbFormat; 2] = [ThumbFormat::Jpeg, ThumbFormat::Png];

    pub fn extension(self) -> &'static str {
        match self {
            ThumbFormat::Jpeg => "thumb.jpg",
            ThumbFormat::Png => "thumb.png",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ThumbFormat::Jpeg => "image/jpeg",
            ThumbFormat::Png => "image/png",
        }
    }
}

impl Storage {
    /// Creates the root and its temporary directory if needed.
    pub fn open(root: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(root.join(TMP_DIR))?;
        let root = root.canonicalize()?;
        let tmp = root.join(TMP_DIR);
        Ok(Self { root, tmp })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of a file: two levels from the id's random tail, so
    /// no directory grows too large.
    pub fn dir_of(&self, id: FileId) -> PathBuf {
        let hex = id.as_uuid().simple().to_string();
        let n = hex.len();
        self.root.join(&hex[n - 2..]).join(&hex[n - 4..n - 2])
    }

    pub fn path_of(&self, id: FileId) -> PathBuf {
        self.dir_of(id).join(id.to_string())
    }

    pub fn thumb_path(&self, id: FileId, format: ThumbFormat) -> PathBuf {
        self.dir_of(id).join(format!("{id}.{}", format.extension()))
    }

    /// A fresh temporary path (nothing created yet).
    pub fn temp_path(&self) -> PathBuf {
        self.tmp.join(format!("{}.part", uuid::Uuid::new_v4().simple()))
    }

    /// Moves a complete, fsynced temporary file to `dest` and makes the
    /// rename durable (blocking).
    pub fn commit(&self, tmp: &Path, dest: &Path) -> io::Result<()> {
        let dir = dest.parent().ok_or_else(|| io::Error::other("destination has no directory"))?;
        let created = !dir.is_dir();
        std::fs::create_dir_all(dir)?;
        std::fs::rename(tmp, dest)?;
        sync_dir(dir)?;
        if created {
            // The new directories' own entries.
            if let Some(parent) = dir.parent() {
                sync_dir(parent)?;
            }
            sync_dir(&self.root)?;
        }
        Ok(())
    }

    /// Removes a stored file and its thumbnails (blocking). The thumbnails
    /// go first: if this stops half-way the file is still there, so the
    /// orphan sweep (which finds files) sees it and tries again.
    pub fn remove(&self, id: FileId) -> io::Result<()> {
        for f in ThumbFormat::ALL {
            remove_if_there(&self.thumb_path(id, f))?;
        }
        remove_if_there(&self.path_of(id))
    }

    /// Removes every temporary file (start-up: no upload of this process is
    /// under way, and a root belongs to one fileserver). Returns how many.
    pub fn sweep_temp(&self) -> io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.tmp)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                remove_if_there(&entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Ids of stored files last changed before `older_than` ago, for
    /// checking against the metadata (blocking). A thumbnail counts for its
    /// file's id, so one left behind by a file that is gone is found too.
    pub fn stored_before(&self, older_than: Duration) -> io::Result<Vec<FileId>> {
        let cutoff = SystemTime::now().checked_sub(older_than).unwrap_or(SystemTime::UNIX_EPOCH);
        let (mut out, mut seen) = (Vec::new(), std::collections::HashSet::new());
        for level1 in dirs_in(&self.root)? {
            if level1.file_name().is_some_and(|n| n == TMP_DIR) {
                continue;
            }
            for level2 in dirs_in(&level1)? {
                for entry in std::fs::read_dir(&level2)? {
                    let entry = entry?;
                    let name = entry.file_name();
                    let Some(id) = name.to_str().and_then(file_id_of) else { continue };
                    let meta = entry.metadata()?;
                    if meta.is_file() && meta.modified().is_ok_and(|m| m <= cutoff) && seen.insert(id) {
                        out.push(id);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The file id a name under the root stands for: the file itself, or one
/// of its thumbnails.
fn file_id_of(name: &str) -> Option<FileId> {
    let id = ThumbFormat::ALL
        .iter()
        .find_map(|f| name.strip_suffix(f.extension()).and_then(|n| n.strip_suffix('.')))
        .unwrap_or(name);
    id.parse().ok()
}

fn dirs_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

pub fn remove_if_there(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A temporary file that is removed unless it was committed: an upload
/// that fails, or whose request is dropped (the client went away), leaves
/// nothing behind.
#[derive(Debug)]
pub struct TempGuard {
    path: Option<PathBuf>,
}

impl TempGuard {
    pub fn new(path: PathBuf) -> Self {
        Self { path: Some(path) }
    }

    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// The file was renamed away: nothing to remove.
    pub fn disarm(&mut self) {
        self.path = None;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.path.take()
            && let Err(e) = remove_if_there(&path)
        {
            tracing::warn!(path = %path.display(), error = %e, "could not remove a temporary file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_the_id_only_and_stay_under_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::open(dir.path()).unwrap();
        let id: FileId = "0190f5a2-7c3e-7d4b-9a1f-3c2b1a0f9e8d".parse().unwrap();
        let p = s.path_of(id);
        assert!(p.starts_with(s.root()));
        assert_eq!(
            p.strip_prefix(s.root()).unwrap(),
            Path::new("8d/9e/0190f5a2-7c3e-7d4b-9a1f-3c2b1a0f9e8d")
        );
        assert_eq!(
            s.thumb_path(id, ThumbFormat::Png).file_name().unwrap(),
            "0190f5a2-7c3e-7d4b-9a1f-3c2b1a0f9e8d.thumb.png"
        );
        assert!(s.temp_path().starts_with(s.root().join("tmp")));
    }

    #[test]
    fn commit_moves_the_file_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::open(dir.path()).unwrap();
        let id = FileId::new();
        let tmp = s.temp_path();
        std::fs::write(&tmp, b"hello").unwrap();
        let mut guard = TempGuard::new(tmp.clone());
        s.commit(&tmp, &s.path_of(id)).unwrap();
        guard.disarm();
        drop(guard);
        assert_eq!(std::fs::read(s.path_of(id)).unwrap(), b"hello");
        assert!(!tmp.exists());
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(s.stored_before(Duration::ZERO).unwrap(), vec![id]);
        assert!(s.stored_before(Duration::from_secs(3600)).unwrap().is_empty(), "too young to be an orphan");
        std::fs::write(s.thumb_path(id, ThumbFormat::Jpeg), b"t").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(s.stored_before(Duration::ZERO).unwrap(), vec![id], "one id for a file and its thumbnail");
        s.remove(id).unwrap();
        assert!(!s.path_of(id).exists());
        assert!(!s.thumb_path(id, ThumbFormat::Jpeg).exists());
        s.remove(id).unwrap();
    }

    #[test]
    fn a_thumbnail_left_without_its_file_is_found_by_the_sweep() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::open(dir.path()).unwrap();
        let id = FileId::new();
        std::fs::create_dir_all(s.dir_of(id)).unwrap();
        std::fs::write(s.thumb_path(id, ThumbFormat::Png), b"t").unwrap();
        std::fs::write(s.dir_of(id).join("not-an-id.thumb.png"), b"x").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(s.stored_before(Duration::ZERO).unwrap(), vec![id]);
        s.remove(id).unwrap();
        assert!(!s.thumb_path(id, ThumbFormat::Png).exists());
        assert_eq!(file_id_of(&format!("{id}.thumb.jpg")), Some(id));
        assert_eq!(file_id_of(&id.to_string()), Some(id));
        assert_eq!(file_id_of(&format!("{id}thumb.jpg")), None);
    }

    #[test]
    fn a_dropped_temp_file_is_removed_and_leftovers_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::open(dir.path()).unwrap();
        let a = s.temp_path();
        std::fs::write(&a, b"partial").unwrap();
        drop(TempGuard::new(a.clone()));
        assert!(!a.exists());
        for _ in 0..3 {
            std::fs::write(s.temp_path(), b"left by a crash").unwrap();
        }
        assert_eq!(s.sweep_temp().unwrap(), 3);
        assert_eq!(std::fs::read_dir(s.root().join("tmp")).unwrap().count(), 0);
    }
}
