//! The files of a run: its input (an anonymous in-memory file), the request's files placed
//! read-only in the scratch directory, and the files the worker asked back, read without
//! following anything the program planted.

use std::{
    ffi::CString,
    fs,
    io::{self, Read, Write},
    os::{
        fd::{FromRawFd, OwnedFd},
        unix::fs::PermissionsExt,
    },
    path::Path,
};

use coderank_supervisor::protocol::{FileSpec, COLLECT_BYTES};

use crate::{is_plain_name, NoFollow};

/// An anonymous in-memory file holding the input, rewound: seekable like a file, with no path
/// another process could swap.
pub(super) fn input_file(input: &[u8]) -> io::Result<fs::File> {
    let name = CString::new("stdin").map_err(io::Error::other)?;
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: memfd_create returned a fresh descriptor that nothing else owns.
    let mut file = fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    file.write_all(input)?;
    io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
    Ok(file)
}

/// Puts the request's files into the scratch directory: owned by root and read-only, so the
/// program can read them but not change them.
pub(super) fn place_files(dir: &Path, specs: &[FileSpec], contents: &[Vec<u8>]) -> io::Result<()> {
    for (spec, body) in specs.iter().zip(contents) {
        if !is_plain_name(&spec.name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad file name {:?}", spec.name),
            ));
        }
        let path = dir.join(&spec.name);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags_nofollow()
            .open(&path)?;
        file.write_all(body)?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444))?;
    }
    Ok(())
}

/// Reads back the requested files of `dir`: regular files only, each capped. A name that is
/// something else (a symlink the program planted, a FIFO that would block the open, a device,
/// a directory) is answered as refused, without opening it for reading.
pub(super) fn collect_files(dir: &Path, names: &[String]) -> (Vec<FileSpec>, Vec<Vec<u8>>, Vec<String>) {
    let mut specs = Vec::new();
    let mut contents = Vec::new();
    let mut refused = Vec::new();
    for name in names.iter().filter(|name| is_plain_name(name)) {
        let path = dir.join(name);
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_file() => {}
            Ok(_) => {
                refused.push(name.clone());
                continue;
            }
            Err(_) => continue,
        }
        // Non-blocking as well, should it have become a FIFO since.
        let opened = fs::OpenOptions::new()
            .read(true)
            .custom_flags_nofollow_nonblocking()
            .open(&path);
        let Ok(file) = opened else { continue };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            refused.push(name.clone());
            continue;
        }
        let mut body = Vec::new();
        if file.take(COLLECT_BYTES).read_to_end(&mut body).is_ok() {
            specs.push(FileSpec {
                name: name.clone(),
                len: body.len() as u64,
            });
            contents.push(body);
        }
    }
    (specs, contents, refused)
}
