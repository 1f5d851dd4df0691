//! Writing an artifacts directory to disk, and reading one back.
//!
//! The directory appears whole or not at all: files are written into a hidden sibling
//! directory which is renamed into place at the end, so an interrupted `generate` never leaves
//! half a set of keys behind. Secret files are readable by their owner only.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use crate::core::artifacts::{keys, sets, ArtifactFile, Manifest, MANIFEST_FILE};

/// Errors of the artifacts directory.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target already holds files and `--force` was not given.
    #[error(
        "{0} already exists and is not empty; pass --force to replace it, or pick another --out"
    )]
    Exists(PathBuf),
    /// A filesystem operation failed.
    #[error("{action} {path}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The directory is not an ethnet artifacts directory.
    #[error("{path} is not a readable ethnet artifacts file: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Fails unless `dir` is absent or empty, or `force` is set. Call before doing slow work.
pub fn check_target(dir: &Path, force: bool) -> Result<(), OutputError> {
    let occupied = match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io("cannot read", dir)(e)),
    };
    if occupied && !force {
        return Err(OutputError::Exists(dir.to_path_buf()));
    }
    Ok(())
}

/// Writes `files` as the directory `dir`, replacing it when `force` is set.
pub fn write_artifacts(dir: &Path, files: &[ArtifactFile], force: bool) -> Result<(), OutputError> {
    check_target(dir, force)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or("out".into());
    // A fresh directory of a random name, made exclusively and private (0700): nothing another
    // user prepared at a name they could guess is ever followed or written into.
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.ethnet-staging-"))
        .tempdir_in(&parent)
        .map_err(io("cannot create a staging directory in", &parent))?;
    // Dropping `staging` removes it when writing fails.
    write_all(staging.path(), files)?;
    let staging = staging.keep();
    swap_into_place(&staging, dir, &parent, &name).inspect_err(|_| {
        let _ = fs::remove_dir_all(&staging);
    })
}

fn write_all(root: &Path, files: &[ArtifactFile]) -> Result<(), OutputError> {
    use rayon::prelude::*;
    create_private_dir(root)?;
    // Each directory once, in path order (parents first): 0700 when it holds a secret, or a
    // directory that does (secret directories must not be listable by others either).
    let mut dirs: std::collections::BTreeMap<PathBuf, bool> = std::collections::BTreeMap::new();
    for file in files {
        let mut dir = root.join(&file.path);
        while dir.pop() && dir != root {
            *dirs.entry(dir.clone()).or_default() |= file.secret;
        }
    }
    for (dir, secret) in &dirs {
        create_private_dir(dir)?;
        if *secret {
            set_mode(dir, 0o700)?;
        }
    }
    // The files in parallel: each is a create and a write, and there may be 100,000 of them.
    files.par_iter().try_for_each(|file| {
        let path = root.join(&file.path);
        let mut out = open_new(&path, if file.secret { 0o600 } else { 0o644 })?;
        out.write_all(&file.contents)
            .map_err(io("cannot write", &path))
    })?;
    // Durable before the directory moves into place, synced together: one file at a time
    // would wait for the disk once per keystore.
    sync_written(root, files)
}

/// Makes every written file durable: the whole filesystem at once where Linux offers it.
#[cfg(target_os = "linux")]
fn sync_written(root: &Path, _files: &[ArtifactFile]) -> Result<(), OutputError> {
    let dir = fs::File::open(root).map_err(io("cannot open", root))?;
    rustix::fs::syncfs(&dir).map_err(|e| io("cannot sync", root)(e.into()))
}

/// Elsewhere: each file, in parallel.
#[cfg(not(target_os = "linux"))]
fn sync_written(root: &Path, files: &[ArtifactFile]) -> Result<(), OutputError> {
    use rayon::prelude::*;
    files.par_iter().try_for_each(|file| {
        let path = root.join(&file.path);
        let synced = fs::File::open(&path).and_then(|f| f.sync_all());
        synced.map_err(io("cannot sync", &path))
    })
}

fn swap_into_place(
    staging: &Path,
    dir: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    if dir.exists() {
        // The old directory goes into a fresh private directory, removed with it.
        let aside = tempfile::Builder::new()
            .prefix(&format!(".{name}.ethnet-old-"))
            .tempdir_in(parent)
            .map_err(io("cannot create a directory in", parent))?;
        let old = aside.path().join(name);
        fs::rename(dir, &old).map_err(io("cannot move aside", dir))?;
        if let Err(e) = rename_no_replace(staging, dir) {
            let _ = fs::rename(&old, dir);
            return Err(io("cannot move into place", dir)(e));
        }
        aside.close().map_err(io("cannot remove", &old))?;
    } else {
        rename_no_replace(staging, dir).map_err(io("cannot move into place", dir))?;
    }
    Ok(())
}

/// Renames `from` to `to`, failing when `to` exists (made by someone else since the check).
#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(std::io::Error::from)
}

/// Elsewhere: a plain rename, after the existence check (renaming over an existing empty
/// directory or a symlink replaces it without following it).
#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.symlink_metadata().is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

fn create_private_dir(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
    set_mode(dir, 0o755)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), OutputError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io("cannot chmod", path))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> Result<(), OutputError> {
    Ok(())
}

fn open_new(path: &Path, mode: u32) -> Result<fs::File, OutputError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path).map_err(io("cannot create", path))
}

/// Reads the file `relative` of the artifacts directory `dir`. Refuses an absolute path, `..`,
/// and a symlink (anywhere on the way) that leads outside `dir`: a manifest names the files
/// `seed` reads, and may not make it read, and publish, anything else.
pub fn read_inside(dir: &Path, relative: &str) -> std::io::Result<Vec<u8>> {
    use std::path::Component;
    let outside = |why: &str| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{relative} {why} {}; refusing to read it", dir.display()),
        )
    };
    let path = Path::new(relative);
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(outside("is not a plain path inside"));
    }
    let root = dir.canonicalize()?;
    let resolved = root.join(path).canonicalize()?;
    if !resolved.starts_with(&root) {
        return Err(outside("leads (through a symlink) outside"));
    }
    fs::read(resolved)
}

/// Reads `manifest.json` of an artifacts directory.
pub fn read_manifest(dir: &Path) -> Result<Manifest, OutputError> {
    let path = dir.join(MANIFEST_FILE);
    let text = fs::read_to_string(&path).map_err(io("cannot read", &path))?;
    Manifest::from_json(&text).map_err(|e| OutputError::Invalid {
        path,
        reason: e.to_string(),
    })
}

/// Reads the execution genesis of an artifacts directory.
pub fn read_genesis(dir: &Path) -> Result<alloy_genesis::Genesis, OutputError> {
    read_genesis_file(&dir.join(sets::GENESIS).join(keys::GENESIS_JSON))
}

/// Fields every geth-format genesis.json has: geth requires `gasLimit`, `difficulty` and
/// `alloc`, and the hash depends on `config.chainId`'s forks. Without them alloy's defaults
/// would fill in a genesis nobody wrote (and hash a manifest or `{}`).
const REQUIRED_GENESIS_FIELDS: [&str; 4] = ["config", "gasLimit", "difficulty", "alloc"];

/// Reads any geth-format genesis.json.
pub fn read_genesis_file(path: &Path) -> Result<alloy_genesis::Genesis, OutputError> {
    let text = fs::read_to_string(path).map_err(io("cannot read", path))?;
    let invalid = |reason: String| OutputError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let mut missing: Vec<&str> = REQUIRED_GENESIS_FIELDS
        .into_iter()
        .filter(|field| value.get(field).is_none_or(|v| v.is_null()))
        .collect();
    if value["config"].is_object() && value["config"].get("chainId").is_none() {
        missing.push("config.chainId");
    }
    if !missing.is_empty() {
        return Err(invalid(format!(
            "not a genesis file: it has no {} (a geth-format genesis.json has config with \
             chainId, gasLimit, difficulty and alloc)",
            missing.join(", ")
        )));
    }
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn file(path: &str, text: &str, secret: bool) -> ArtifactFile {
        ArtifactFile {
            path: path.into(),
            contents: Zeroizing::new(text.as_bytes().to_vec()),
            secret,
        }
    }

    #[test]
    fn writes_whole_directory_with_private_secrets() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("net");
        let files = [
            file("genesis/a.json", "{}", false),
            file("secrets/jwt/jwt.hex", "ab", true),
        ];
        write_artifacts(&out, &files, false).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("genesis/a.json")).unwrap(),
            "{}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&out.join("secrets/jwt/jwt.hex")), 0o600);
            assert_eq!(mode(&out.join("secrets/jwt")), 0o700);
            assert_eq!(mode(&out.join("genesis/a.json")), 0o644);
        }
        // No staging directory is left behind.
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_prepared_staging_path_is_never_followed() {
        // Someone who can write the parent prepares the staging names an earlier release used
        // (`.<name>.ethnet-staging-<pid>`) as links to a directory of theirs.
        let tmp = tempfile::tempdir().unwrap();
        let theirs = tmp.path().join("theirs");
        fs::create_dir(&theirs).unwrap();
        let pid = std::process::id();
        for guess in [pid, pid + 1] {
            let link = tmp.path().join(format!(".net.ethnet-staging-{guess}"));
            std::os::unix::fs::symlink(&theirs, link).unwrap();
        }
        let out = tmp.path().join("net");
        write_artifacts(&out, &[file("secrets/jwt/jwt.hex", "ab", true)], false).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("secrets/jwt/jwt.hex")).unwrap(),
            "ab"
        );
        assert_eq!(
            fs::read_dir(&theirs).unwrap().count(),
            0,
            "nothing written through the link"
        );
        assert!(!out.symlink_metadata().unwrap().file_type().is_symlink());
    }

    #[test]
    fn refuses_to_overwrite_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("net");
        write_artifacts(&out, &[file("x/a", "1", false)], false).unwrap();
        let err = write_artifacts(&out, &[file("x/a", "2", false)], false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(fs::read_to_string(out.join("x/a")).unwrap(), "1");
        write_artifacts(&out, &[file("x/b", "3", false)], true).unwrap();
        assert!(
            !out.join("x/a").exists(),
            "force replaces the whole directory"
        );
        assert_eq!(fs::read_to_string(out.join("x/b")).unwrap(), "3");
    }

    #[cfg(unix)]
    #[test]
    fn reads_stay_inside_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("net");
        fs::create_dir_all(dir.join("genesis")).unwrap();
        fs::write(dir.join("genesis/ok"), "1").unwrap();
        fs::write(tmp.path().join("outside"), "secret").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), dir.join("genesis/link")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), dir.join("up")).unwrap();
        assert_eq!(read_inside(&dir, "genesis/ok").unwrap(), b"1");
        for hostile in [
            "genesis/link",
            "up/outside",
            "../outside",
            "/etc/passwd",
            "genesis/../../outside",
        ] {
            let err = read_inside(&dir, hostile).unwrap_err();
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::InvalidInput,
                "{hostile}: {err}"
            );
        }
    }

    #[test]
    fn a_genesis_must_have_the_fields_geth_requires() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("genesis.json");
        for (text, missing) in [
            ("{}", "config, gasLimit, difficulty, alloc"),
            (
                r#"{"ethnetVersion": "0.1.0", "spec": {}, "objects": []}"#,
                "config, gasLimit",
            ),
            (
                r#"{"config": {}, "gasLimit": "0x1", "difficulty": "0x0", "alloc": {}}"#,
                "config.chainId",
            ),
        ] {
            fs::write(&path, text).unwrap();
            let err = read_genesis_file(&path).unwrap_err().to_string();
            assert!(err.contains(&format!("has no {missing}")), "{text}: {err}");
        }
        fs::write(
            &path,
            r#"{"config": {"chainId": 1}, "gasLimit": "0x1", "difficulty": "0x0", "alloc": {}}"#,
        )
        .unwrap();
        assert_eq!(read_genesis_file(&path).unwrap().config.chain_id, 1);
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("net");
        // The same path twice fails on the second create_new.
        let files = [file("x/a", "1", true), file("x/a", "2", true)];
        assert!(write_artifacts(&out, &files, false).is_err());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
