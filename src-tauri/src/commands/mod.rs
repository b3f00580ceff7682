//! Every command the UI can invoke, one module per feature.

mod app_info;
mod claims;
mod connection;
mod day;
mod exports;
mod repair;
mod settings;
mod taps;

use tauri::{ipc::Invoke, Runtime};

#[cfg(test)]
pub use app_info::AppInfo;
#[cfg(test)]
pub(crate) use exports::MAX_NAME_CHARS as MAX_FILE_NAME_CHARS;

/// Lists every command once: its module, name, the arguments the UI passes
/// (as the function names them) and what it resolves to. The handler `main`
/// installs and the TypeScript signatures of `commands.ts` both come from it,
/// and a test checks it against the functions themselves.
macro_rules! commands {
    ($( $module:ident :: $command:ident ( $( $arg:ident : $ty:ty ),* ) -> $result:ty ; )*) => {
        /// The full command list, so `main` never needs to change when a command is added.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![ $( $module::$command ),* ]
        }

        /// Every command with its arguments and result in TypeScript, for the
        /// generated `commands.ts`.
        #[cfg(test)]
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<Signature> {
            vec![ $( Signature {
                module: stringify!($module),
                name: stringify!($command),
                args: vec![ $( (stringify!($arg), <$ty as ts_rs::TS>::name(cfg)) ),* ],
                result: <$result as ts_rs::TS>::name(cfg),
            } ),* ]
        }
    };
}

commands! {
    app_info::get_app_info() -> app_info::AppInfo;
    connection::get_connection_state() -> kitchen_device::live::ConnectionState;
    taps::tap_status(order: String, status: String, client: String, day: Option<String>)
        -> kitchen_device::live::TapReceipt;
    taps::new_order(order: String, client: String, form: kitchen_domain::OrderForm)
        -> kitchen_device::live::TapReceipt;
    day::list_day(day: String) -> Vec<kitchen_store::DayViewRow>;
    day::list_board() -> kitchen_domain::board::BoardView;
    day::list_board_at(day: String, at: String) -> kitchen_domain::board::BoardView;
    day::list_late(day: String) -> Vec<kitchen_domain::board::LateOrder>;
    day::list_drivers() -> kitchen_domain::orders::DriverLists;
    settings::get_settings() -> kitchen_store::DeviceSettings;
    settings::save_settings(settings: kitchen_store::DeviceSettings) -> kitchen_store::DeviceSettings;
    settings::test_connection(settings: kitchen_store::DeviceSettings)
        -> Vec<kitchen_device::check::ResourceCheck>;
    claims::claim_order(day: String, order: String) -> kitchen_store::Claim;
    claims::list_claims() -> Vec<kitchen_store::Claim>;
    exports::save_export(file_name: String, contents: String) -> String;
    repair::get_database_problem() -> Option<crate::device::DatabaseProblem>;
    repair::repair_database() -> crate::device::RepairReport;
}

/// One command as the UI sees it.
#[cfg(test)]
pub struct Signature {
    pub module: &'static str,
    pub name: &'static str,
    /// Each argument as the function names it, with its TypeScript type.
    pub args: Vec<(&'static str, String)>,
    pub result: String,
}

#[cfg(test)]
impl Signature {
    /// The arguments as the UI passes them: Tauri turns `file_name` into `fileName`.
    pub fn args_ts(&self) -> String {
        if self.args.is_empty() {
            return "{}".into();
        }
        let fields: Vec<String> = self
            .ui_args()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        format!("{{ {} }}", fields.join("; "))
    }

    /// Each argument's name as the UI passes it, with its TypeScript type.
    pub fn ui_args(&self) -> impl Iterator<Item = (String, &str)> {
        self.args
            .iter()
            .map(|(name, ty)| (camel_case(name), ty.as_str()))
    }
}

#[cfg(test)]
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The arguments a command function takes from the UI, read from its source:
/// every parameter but the ones Tauri supplies (state, the app, the window).
#[cfg(test)]
fn ui_parameters(source: &str, command: &str) -> Option<Vec<(String, String)>> {
    let start = source.find(&format!("fn {command}"))?;
    let rest = &source[start..];
    let open = rest.find('(')?;
    let mut depth = 0;
    let mut close = None;
    for (i, c) in rest[open..].char_indices() {
        match c {
            '(' | '<' => depth += 1,
            ')' | '>' => {
                depth -= 1;
                if depth == 0 && c == ')' {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let list = &rest[open + 1..close?];
    let mut params = Vec::new();
    let (mut depth, mut current) = (0, String::new());
    for c in list.chars().chain([',']) {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                let param = std::mem::take(&mut current);
                if let Some((name, ty)) = param.split_once(':') {
                    params.push((name.trim().to_owned(), ty.split_whitespace().collect()));
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    let supplied = ["State<", "AppHandle<", "Window<", "WebviewWindow<"];
    Some(
        params
            .into_iter()
            .filter(|(_, ty): &(String, String)| !supplied.iter().any(|s| ty.starts_with(s)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_each_command_with_the_arguments_it_takes() {
        let cfg = ts_rs::Config::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let mut listed = Vec::new();
        for signature in signatures(&cfg) {
            let file = dir.join(format!("{}.rs", signature.module));
            let source = std::fs::read_to_string(&file).unwrap();
            let params = ui_parameters(&source, signature.name)
                .unwrap_or_else(|| panic!("{} is not in {}", signature.name, file.display()));
            let names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
            let listed_names: Vec<&str> = signature.args.iter().map(|(name, _)| *name).collect();
            assert_eq!(
                names, listed_names,
                "{}: the function's arguments and the list's differ",
                signature.name
            );
            listed.push(signature.name);
        }
        // Every `#[tauri::command]` in the modules is in the list.
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("mod.rs") {
                continue;
            }
            let source = std::fs::read_to_string(path).unwrap();
            for piece in source.split("#[tauri::command]").skip(1) {
                let name = piece
                    .split("fn ")
                    .nth(1)
                    .and_then(|rest| rest.split(['(', '<']).next())
                    .unwrap();
                assert!(
                    listed.contains(&name),
                    "{name} is a command but not in `commands!`"
                );
            }
        }
    }

    #[test]
    fn arguments_reach_the_ui_in_camel_case() {
        assert_eq!(camel_case("file_name"), "fileName");
        assert_eq!(camel_case("day"), "day");
        let params = ui_parameters(
            "pub async fn save(app: AppHandle<R>, device: State<'_, Device>, file_name: String, rows: Vec<(String, u8)>) -> X",
            "save",
        )
        .unwrap();
        assert_eq!(
            params,
            [
                ("file_name".to_owned(), "String".to_owned()),
                ("rows".to_owned(), "Vec<(String,u8)>".to_owned())
            ]
        );
    }
}
