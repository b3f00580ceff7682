//! How the window is drawn: on the CPU unless `KITCHEN_RENDERING=gpu`.
//!
//! A kitchen screen is text and coloured cards; the CPU draws it in time. On
//! the GPU path WebKitGTK loads the GL driver into the app itself, with Mesa's
//! LLVM, about 50 MiB resident, even where no GPU exists: GTK makes a GL
//! context for the window, and WebKit opens an EGL display to ask which device
//! pages should render on. On the CPU path the app tells both what they would
//! have found out (no GL for GTK, the device for WebKit), so neither loads a
//! driver. WebKit's own web process still draws as it always does.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const MODE_VAR: &str = "KITCHEN_RENDERING";

/// Where the window is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// The CPU draws the window; no GL driver in the app (the default).
    Cpu,
    /// WebKitGTK's defaults: DMA-BUF buffers and a GL context when a GPU allows.
    Gpu,
}

impl FromStr for Rendering {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "" | "cpu" => Ok(Rendering::Cpu),
            "gpu" => Ok(Rendering::Gpu),
            other => Err(format!(
                "{MODE_VAR}: expected `cpu` or `gpu`, got `{other}`"
            )),
        }
    }
}

/// Chooses the rendering from `KITCHEN_RENDERING` and sets WebKitGTK and GTK up
/// for it. Call first thing in `main`: it changes the process's environment,
/// which is only sound while no other thread runs, and GTK reads it when it
/// starts.
pub fn configure() -> Result<Rendering, String> {
    let rendering = match std::env::var(MODE_VAR) {
        Ok(value) => value.parse()?,
        Err(std::env::VarError::NotPresent) => Rendering::Cpu,
        Err(std::env::VarError::NotUnicode(value)) => {
            return Err(format!(
                "{MODE_VAR}: expected `cpu` or `gpu`, got {value:?}"
            ))
        }
    };
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    let render_node = || first_render_node(Path::new("/dev/dri"));
    for (name, value) in variables(rendering, set, render_node) {
        std::env::set_var(name, value);
    }
    Ok(rendering)
}

/// The variables that give `rendering`, leaving alone any the user has `set`;
/// the render node is only looked for when WebKit is to be told it.
fn variables(
    rendering: Rendering,
    set: impl Fn(&str) -> bool,
    render_node: impl FnOnce() -> Option<PathBuf>,
) -> Vec<(&'static str, OsString)> {
    if rendering == Rendering::Gpu {
        return Vec::new();
    }
    let mut variables = vec![
        // The web process hands frames over in shared memory, not GPU buffers.
        ("WEBKIT_DISABLE_DMABUF_RENDERER", OsString::from("1")),
        // GTK paints the window with cairo, without a GL context.
        ("GDK_GL", OsString::from("disable")),
    ];
    variables.retain(|(name, _)| !set(name));
    // WebKit only opens the device for DMA-BUF buffers, which the CPU path does
    // not use; naming it, or /dev/null where there is none, spares the EGL query.
    const DEVICE_VAR: &str = "WEBKIT_WEB_RENDER_DEVICE_FILE";
    if !set(DEVICE_VAR) {
        let device =
            render_node().map_or_else(|| OsString::from("/dev/null"), PathBuf::into_os_string);
        variables.push((DEVICE_VAR, device));
    }
    variables
}

/// The machine's first DRM render node (`/dev/dri/renderD128`…), as WebKit would
/// pick it.
fn first_render_node(dri: &Path) -> Option<PathBuf> {
    let mut nodes: Vec<PathBuf> = std::fs::read_dir(dri)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
        .map(|entry| entry.path())
        .collect();
    nodes.sort();
    nodes.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(variables: &[(&'static str, OsString)]) -> Vec<&'static str> {
        variables.iter().map(|(name, _)| *name).collect()
    }

    #[test]
    fn the_cpu_is_the_default_and_only_cpu_or_gpu_are_accepted() {
        assert_eq!("".parse::<Rendering>(), Ok(Rendering::Cpu));
        assert_eq!("cpu".parse::<Rendering>(), Ok(Rendering::Cpu));
        assert_eq!(" gpu ".parse::<Rendering>(), Ok(Rendering::Gpu));
        let error = "opengl".parse::<Rendering>().unwrap_err();
        assert_eq!(
            error,
            "KITCHEN_RENDERING: expected `cpu` or `gpu`, got `opengl`"
        );
    }

    #[test]
    fn cpu_rendering_keeps_gl_out_of_gtk_and_names_the_device_for_webkit() {
        let node = Some(PathBuf::from("/dev/dri/renderD128"));
        let variables = variables(Rendering::Cpu, |_| false, || node);
        assert_eq!(
            variables,
            vec![
                ("WEBKIT_DISABLE_DMABUF_RENDERER", OsString::from("1")),
                ("GDK_GL", OsString::from("disable")),
                (
                    "WEBKIT_WEB_RENDER_DEVICE_FILE",
                    OsString::from("/dev/dri/renderD128")
                ),
            ]
        );
    }

    #[test]
    fn without_a_render_node_webkit_is_told_there_is_none() {
        let variables = variables(Rendering::Cpu, |_| false, || None);
        let device = variables
            .iter()
            .find(|(name, _)| *name == "WEBKIT_WEB_RENDER_DEVICE_FILE");
        assert_eq!(
            device.map(|(_, value)| value.as_os_str()),
            Some("/dev/null".as_ref())
        );
    }

    #[test]
    fn what_the_user_has_set_is_left_alone() {
        let variables = variables(Rendering::Cpu, |name| name == "GDK_GL", || None);
        assert_eq!(
            names(&variables),
            [
                "WEBKIT_DISABLE_DMABUF_RENDERER",
                "WEBKIT_WEB_RENDER_DEVICE_FILE"
            ]
        );
    }

    #[test]
    fn gpu_rendering_changes_nothing() {
        assert!(variables(Rendering::Gpu, |_| false, || None).is_empty());
    }

    #[test]
    fn the_first_render_node_is_found_by_name() {
        let dri = tempfile::tempdir().unwrap();
        for name in ["card0", "renderD129", "renderD128", "by-path"] {
            std::fs::write(dri.path().join(name), b"").unwrap();
        }
        assert_eq!(
            first_render_node(dri.path()),
            Some(dri.path().join("renderD128"))
        );
        std::fs::remove_file(dri.path().join("renderD128")).unwrap();
        std::fs::remove_file(dri.path().join("renderD129")).unwrap();
        assert_eq!(first_render_node(dri.path()), None);
        assert_eq!(first_render_node(&dri.path().join("missing")), None);
    }
}
