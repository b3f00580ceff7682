//! Values reach SQLite only as bound parameters. SQL text built with `format!`
//! or `concat!` is allowed only where it splices constants (column lists, fixed
//! filters), and each such place says so with a `sql-from-constants` comment.

use std::path::{Path, PathBuf};

/// The comment that vouches for SQL text built from constants only.
const MARKER: &str = "sql-from-constants";
/// How many lines above a macro the marker may stand.
const MARKER_REACH: usize = 3;
const SQL_KEYWORDS: [&str; 11] = [
    "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "CREATE", "DROP", "ALTER", "PRAGMA",
    "VALUES",
];
/// Calls that take SQL text as their first argument.
const SQL_CALLS: [&str; 6] = [
    "execute(&",
    "execute_batch(&",
    "prepare(&",
    "prepare_cached(&",
    "query_row(&",
    "query(&",
];

/// Every `format!`/`concat!` in `source` that builds SQL without the marker,
/// as `name:line: the macro's first line`.
fn unmarked_sql_formatting(name: &str, source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    for macro_name in ["format!(", "concat!("] {
        for (at, _) in source.match_indices(macro_name) {
            let before = &source[..at];
            let line = before.matches('\n').count();
            let literal = first_string_literal(&source[at + macro_name.len()..]);
            let called_with_sql = {
                let squeezed: String = before
                    .chars()
                    .rev()
                    .take(80)
                    .filter(|c| !c.is_whitespace())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                SQL_CALLS.iter().any(|call| squeezed.ends_with(call))
            };
            let sql_text = literal.as_deref().is_some_and(|text| {
                // The store writes its SQL in capitals; prose in messages is not SQL.
                let head = text.trim_start();
                SQL_KEYWORDS.iter().any(|kw| {
                    head.strip_prefix(kw)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
                })
                // A placeholder between SQL quotes splices a value into a string literal.
                || (text.contains("'{") && text.contains("}'"))
            });
            if !(called_with_sql || sql_text) {
                continue;
            }
            let vouched = lines[line.saturating_sub(MARKER_REACH)..=line]
                .iter()
                .any(|l| l.contains("//") && l.contains(MARKER));
            if !vouched {
                found.push(format!("{name}:{}: {}", line + 1, lines[line].trim()));
            }
        }
    }
    found.sort();
    found
}

/// The string literal a macro's arguments start with, if they start with one.
fn first_string_literal(args: &str) -> Option<String> {
    let args = args.trim_start();
    if let Some(raw) = args.strip_prefix('r') {
        let hashes = raw.chars().take_while(|c| *c == '#').count();
        let body = raw[hashes..].strip_prefix('"')?;
        let end = body.find(&format!("\"{}", "#".repeat(hashes)))?;
        return Some(body[..end].to_owned());
    }
    let body = args.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.extend(chars.next()),
            '"' => return Some(text),
            c => text.push(c),
        }
    }
    None
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn store_sources_build_sql_only_from_constants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() >= 5, "found the store's sources: {files:?}");
    let mut found = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        found.extend(unmarked_sql_formatting(&name, &source));
    }
    assert!(
        found.is_empty(),
        "SQL built with format!/concat! without a `// {MARKER}: why` comment; \
         bind values as parameters (?1, ?2, ...) instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_flags_spliced_values_and_accepts_vouched_constants() {
    let source = r#####"
fn by_order(conn: &Connection, order: &str) {
    conn.execute(&format!("DELETE FROM outbox WHERE order_id = '{order}'"), [])?;
    let sql = format!(
        "SELECT * FROM deliveries WHERE client = {}", client);
    conn.query_row(
        &format!("{SELECT_ALL} LIMIT {n}"), [], |r| r.get(0))?;
    let quoted = format!("'{}'", status);
    // sql-from-constants: the column list is a const of this module.
    let ok = format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?1");
    let message = format!("select a day: {day}");
    let stmt = conn.prepare_cached("SELECT 1 WHERE x = ?1")?;
}
"#####;
    let found = unmarked_sql_formatting("sample.rs", source);
    let lines: Vec<&str> = found
        .iter()
        .map(|f| f.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        ["sample.rs:3", "sample.rs:4", "sample.rs:7", "sample.rs:8"],
        "{found:#?}"
    );
}
