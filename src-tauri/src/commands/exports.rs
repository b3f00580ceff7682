//! Files the screens hand to the person: the manager's CSV of a day's events,
//! saved in the Downloads folder (the webview has no downloads of its own).

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};

use crate::error::CommandError;

/// Longest file name accepted; far below every file system's limit.
pub(crate) const MAX_NAME_CHARS: usize = 120;

/// Saves `contents` as `file_name` in the Downloads folder (else the home
/// folder), never overwriting: `name (2).csv` when the name is taken. Returns
/// the path written.
#[tauri::command]
#[tracing::instrument(skip(app, contents), err)]
pub async fn save_export<R: Runtime>(
    app: AppHandle<R>,
    file_name: String,
    contents: String,
) -> Result<String, CommandError> {
    check_file_name(&file_name)?;
    let folder = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|err| CommandError::internal(format!("no folder to save into: {err}")))?;
    let path = write_new_file(&folder, &file_name, contents.as_bytes())
        .map_err(|err| CommandError::internal(format!("cannot save {file_name}: {err}")))?;
    Ok(path.display().to_string())
}

/// A plain `.csv` file name: no folders, no hidden files, nothing a shell or a
/// file system reads specially.
pub fn check_file_name(name: &str) -> Result<(), CommandError> {
    let bad = |reason: &str| {
        Err(CommandError::invalid_field(
            "fileName",
            format!("field `fileName`: {name:?} {reason}"),
        ))
    };
    if name.chars().count() > MAX_NAME_CHARS {
        return bad(&format!("is longer than {MAX_NAME_CHARS} characters"));
    }
    if !name.ends_with(".csv") || name.len() <= ".csv".len() {
        return bad("must be a name ending in .csv");
    }
    if name.starts_with('.') {
        return bad("must not start with a dot");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
    {
        return bad("may hold only letters, digits, spaces, '-', '_' and '.'");
    }
    Ok(())
}

fn write_new_file(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = match n {
            1 => folder.join(name),
            n => folder.join(format!("{stem} ({n}).{extension}")),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(candidate);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    Err(std::io::Error::other(
        "a thousand files of that name already",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_csv_names_are_accepted() {
        assert!(check_file_name("kitchen-2026-11-26.csv").is_ok());
        for bad in [
            "../etc/passwd.csv",
            "/tmp/x.csv",
            ".hidden.csv",
            "kitchen.exe",
            ".csv",
            "a\\b.csv",
        ] {
            let err = check_file_name(bad).unwrap_err();
            assert!(err.message.contains("fileName"), "{bad}: {err}");
        }
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_new_file(dir.path(), "day.csv", b"one").unwrap();
        let second = write_new_file(dir.path(), "day.csv", b"two").unwrap();
        assert_eq!(first, dir.path().join("day.csv"));
        assert_eq!(second, dir.path().join("day (2).csv"));
        assert_eq!(std::fs::read_to_string(first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "two");
    }
}
