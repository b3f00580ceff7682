//! The desktop shell's attack surface stays small: the UI may call only Tauri's
//! core defaults (no shell, file system or HTTP access), the content security
//! policy admits no remote origin and no eval, the built UI loads nothing from
//! the network, and a hostile queue message cannot crash the app.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> Value {
    read_json(&manifest_dir().join("tauri.conf.json"))
}

/// The Tauri plugins the app depends on, by permission prefix (`tauri-plugin-x` → `x`).
fn plugins_in_use() -> Vec<String> {
    let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .filter_map(|line| line.trim().strip_prefix("tauri-plugin-"))
        .filter_map(|rest| rest.split(['.', ' ', '=']).next())
        .map(str::to_owned)
        .collect()
}

/// Whether a capability may grant `permission` (its identifier and scope).
fn allowed(permission: &serde_json::Value, plugins: &[String]) -> bool {
    let identifier = permission
        .as_str()
        .or_else(|| permission["identifier"].as_str())
        .unwrap_or_default();
    if identifier.starts_with("opener:") {
        return plugins.iter().any(|p| p == "opener") && opens_only_geo_links(permission);
    }
    allowed_permission(identifier, plugins)
}

/// The opener may open `geo:` links (an address in the maps) and nothing
/// else: one permission, `allow-open-url`, scoped to `geo:` URLs, with no
/// program named to open them.
fn opens_only_geo_links(permission: &serde_json::Value) -> bool {
    if permission["identifier"] != "opener:allow-open-url" {
        return false;
    }
    let Some(allow) = permission["allow"].as_array() else {
        return false;
    };
    !allow.is_empty()
        && allow.iter().all(|entry| {
            let url = entry["url"].as_str().unwrap_or_default();
            url.starts_with("geo:")
                && entry.get("app").is_none()
                && entry.as_object().is_some_and(|e| e.len() == 1)
        })
        && !matches!(permission.get("deny"), Some(deny) if !deny.is_array())
}

/// Whether a capability may grant `permission`, named without a scope.
fn allowed_permission(permission: &str, plugins: &[String]) -> bool {
    let Some((prefix, rest)) = permission.split_once(':') else {
        return false;
    };
    // Never, whatever the plugins: these reach outside the webview (the
    // opener only with a scope: see `opens_only_geo_links`).
    if ["shell", "fs", "http", "process", "opener"].contains(&prefix) {
        return false;
    }
    match prefix {
        // Core: only default sets (`core:default`, `core:window:default`, ...).
        "core" => {
            rest == "default"
                || rest
                    .strip_suffix(":default")
                    .is_some_and(|m| !m.contains(':'))
        }
        plugin => plugins.iter().any(|p| p == plugin),
    }
}

#[test]
fn capabilities_grant_only_core_defaults_and_the_plugins_in_use() {
    let dir = manifest_dir().join("capabilities");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "capabilities in {}", dir.display());
    let plugins = plugins_in_use();
    for file in files {
        assert_eq!(
            file.extension().and_then(|e| e.to_str()),
            Some("json"),
            "{}: capabilities are JSON here, so this test reads them",
            file.display()
        );
        let capability = read_json(&file);
        // A `remote` section would hand IPC to web pages from the network.
        assert!(capability.get("remote").is_none(), "{}", file.display());
        assert_eq!(
            capability["windows"],
            serde_json::json!(["main"]),
            "{}",
            file.display()
        );
        let permissions = capability["permissions"]
            .as_array()
            .expect("a permission list");
        assert!(!permissions.is_empty());
        for permission in permissions {
            // A permission is its identifier, or an object with one and a scope.
            let identifier = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .unwrap_or_else(|| panic!("{}: {permission}", file.display()));
            assert!(
                allowed(permission, &plugins),
                "{}: {identifier} is more than the app needs",
                file.display()
            );
        }
    }
}

#[test]
fn the_permission_rule_refuses_what_reaches_outside_the_webview() {
    let plugins = vec!["notification".to_owned()];
    for ok in [
        "core:default",
        "core:window:default",
        "notification:default",
    ] {
        assert!(allowed_permission(ok, &plugins), "{ok}");
    }
    for refused in [
        "shell:allow-execute",
        "fs:default",
        "http:default",
        "core:window:allow-set-title",
        "dialog:default",
        "core:webview:default:extra",
    ] {
        assert!(!allowed_permission(refused, &plugins), "{refused}");
    }
}

/// The CSP's directives: name → sources.
fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut parts = d.split_whitespace().map(str::to_owned);
            (parts.next().unwrap(), parts.collect())
        })
        .collect()
}

/// Sources a CSP may list: the app itself, Tauri's IPC, inline data images;
/// `local_dev` adds the Vite dev server on this machine.
fn allowed_source(directive: &str, source: &str, local_dev: bool) -> bool {
    match source {
        "'self'" | "'none'" | "ipc:" | "http://ipc.localhost" => true,
        // Inline styles only (the UI sets style attributes); never inline scripts.
        "'unsafe-inline'" => directive == "style-src",
        "data:" => directive == "img-src",
        "ws://localhost:5173" | "http://localhost:5173" => local_dev,
        _ => false,
    }
}

#[test]
fn the_content_security_policy_admits_no_remote_origin_and_no_eval() {
    let config = config();
    let security = &config["app"]["security"];
    for (key, local_dev) in [("csp", false), ("devCsp", true)] {
        let csp = security[key]
            .as_str()
            .unwrap_or_else(|| panic!("app.security.{key} is set (null turns the CSP off)"));
        let directives = directives(csp);
        assert!(
            directives.iter().any(|(name, _)| name == "default-src"),
            "{key} has a default-src"
        );
        for (name, sources) in &directives {
            for source in sources {
                assert!(
                    allowed_source(name, source, local_dev),
                    "{key}: {name} allows {source}"
                );
            }
        }
        assert!(
            !csp.contains("unsafe-eval") && !csp.contains('*'),
            "{key}: {csp}"
        );
    }
    for dangerous in [
        "dangerousRemoteDomainIpcAccess",
        "dangerousDisableAssetCspModification",
        "dangerousUseHttpScheme",
    ] {
        assert!(
            !config.to_string().contains(dangerous),
            "{dangerous} is set"
        );
    }
    // Windows show the bundled UI, never a page from the network.
    for window in config["app"]["windows"].as_array().unwrap() {
        if let Some(url) = window.get("url").and_then(Value::as_str) {
            assert!(
                !url.contains("://"),
                "window {} opens {url}",
                window["label"]
            );
        }
    }
    assert_eq!(config["build"]["frontendDist"], "../ui/dist");
}

#[test]
fn the_source_rule_refuses_remote_origins() {
    for (directive, source) in [
        ("script-src", "'unsafe-eval'"),
        ("script-src", "'unsafe-inline'"),
        ("connect-src", "https://example.com"),
        ("connect-src", "*"),
        ("connect-src", "https:"),
        ("default-src", "http://localhost:5173"),
        ("script-src", "data:"),
    ] {
        assert!(
            !allowed_source(directive, source, false),
            "{directive} {source}"
        );
    }
}

/// `src`/`href` attribute values in an HTML page.
fn linked_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["src=", "href="] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
            let value = match quote {
                Some(q) => rest[1..].split(q).next().unwrap_or_default(),
                None => rest
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or_default(),
            };
            urls.push(value.to_owned());
        }
    }
    urls
}

fn is_remote(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("http:") || url.starts_with("https:") || url.starts_with("//")
}

#[test]
fn the_ui_page_loads_nothing_from_the_network() {
    let ui = manifest_dir().join("../ui");
    let built = ui.join("dist/index.html");
    let page = if built.exists() {
        built
    } else {
        ui.join("index.html")
    };
    let html = std::fs::read_to_string(&page).unwrap();
    let urls = linked_urls(&html);
    assert!(
        urls.iter()
            .any(|u| u.ends_with(".js") || u.ends_with(".ts")),
        "{urls:?}"
    );
    for url in urls {
        assert!(!is_remote(&url), "{} loads {url}", page.display());
    }
    assert!(
        linked_urls(r#"<script src="https://cdn.example/x.js"></script>"#)
            .iter()
            .any(|u| is_remote(u))
    );
    assert!(is_remote("//cdn.example/x.css"));
}

#[test]
fn a_deeply_nested_queue_message_is_rejected_not_a_crash() {
    // Parsed with this binary's serde_json features: unbounded nesting would
    // overflow the poller's stack and take the whole app down.
    let depth = 100_000;
    let body = format!("{{\"detail\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024) // a tokio worker's stack
        .spawn(move || kitchen_store::classify_delivery_message(&body).is_err())
        .unwrap();
    assert!(handle.join().unwrap(), "rejected");
}

#[test]
fn the_opener_may_open_geo_links_and_nothing_else() {
    let plugins = vec!["opener".to_owned()];
    let geo = serde_json::json!({
        "identifier": "opener:allow-open-url",
        "allow": [{ "url": "geo:*" }]
    });
    assert!(allowed(&geo, &plugins));
    for refused in [
        serde_json::json!("opener:default"),
        serde_json::json!("opener:allow-open-url"),
        serde_json::json!({ "identifier": "opener:allow-open-url", "allow": [{ "url": "https://*" }] }),
        serde_json::json!({ "identifier": "opener:allow-open-url", "allow": [{ "url": "geo:*" }, { "url": "*" }] }),
        serde_json::json!({ "identifier": "opener:allow-open-url", "allow": [{ "url": "geo:*", "app": "sh" }] }),
        serde_json::json!({ "identifier": "opener:allow-open-path", "allow": [{ "path": "geo:*" }] }),
        serde_json::json!({ "identifier": "opener:allow-open-url", "allow": [] }),
    ] {
        assert!(!allowed(&refused, &plugins), "{refused}");
    }
    // Not without the plugin.
    assert!(!allowed(&geo, &[]));
}
