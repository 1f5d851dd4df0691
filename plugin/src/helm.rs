//! Driving the helm binary: finding the chart and asking helm for the merged values.
//!
//! ethnet never parses `--set` itself. It renders the chart's `ethnet-spec-configmap.yaml`
//! template with the user's chart flags, so helm applies its own precedence rules for chart
//! defaults, `-f` files and every `--set` variant, and the chart's values.schema.json runs too.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

/// The template that renders the network spec as JSON.
pub const SPEC_TEMPLATE: &str = "templates/ethnet-spec-configmap.yaml";
/// The key of the spec JSON in that ConfigMap.
pub const SPEC_KEY: &str = "spec.json";

/// Errors from running helm.
#[derive(Debug, thiserror::Error)]
pub enum HelmError {
    /// The helm binary could not be started.
    #[error("cannot run helm ({bin}); set HELM_BIN or put helm on PATH")]
    Spawn {
        /// The binary tried.
        bin: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// helm ran and failed.
    #[error("`{command}` failed:\n{stderr}")]
    Failed {
        /// The command, values elided (they may hold credentials) and shortened.
        command: String,
        /// helm's own error output, shortened.
        stderr: String,
    },
    /// No chart was given and none was found.
    #[error(
        "no chart found: pass --chart PATH, or run as a helm plugin (which has \
         $HELM_PLUGIN_DIR/chart), or run from a directory holding ./chart"
    )]
    NoChart,
    /// A values file holds a key twice; helm would silently keep one of them.
    #[error(
        "values file {file}: {detail}; helm would keep only one of them silently: remove the \
         duplicate"
    )]
    DuplicateKey {
        /// The file.
        file: String,
        /// The YAML parser's description: the key and where.
        detail: String,
    },
    /// The rendered template did not hold the spec.
    #[error(
        "the chart's {SPEC_TEMPLATE} did not render a ConfigMap with data[\"{SPEC_KEY}\"]: {0}"
    )]
    NoSpec(String),
}

/// Chart flags passed through to helm unchanged.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ChartArgs {
    /// Chart to use: a path or a repo reference [default: the plugin's bundled chart, else ./chart]
    #[arg(long, value_name = "CHART")]
    pub chart: Option<String>,
    /// Chart version, for a repo reference (passed to helm as --version)
    #[arg(long = "version", value_name = "VERSION")]
    pub chart_version: Option<String>,
    /// Values file (repeatable; later files win, as in helm)
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,
    /// Set a value, helm syntax (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set a string value, helm syntax (repeatable)
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set a value from a file, helm syntax (repeatable)
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set a JSON value, helm syntax (repeatable)
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a literal string value, helm syntax (repeatable)
    #[arg(long = "set-literal", value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,
}

impl ChartArgs {
    /// Fails naming the file and the key when a local `-f` values file holds a key twice in one
    /// mapping. URLs and stdin (`-f -`) are left to helm.
    pub fn check_values_files(&self) -> Result<(), HelmError> {
        for file in &self.values {
            if file == "-" || file.contains("://") {
                continue;
            }
            // An unreadable file is helm's to report, in its own words.
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            for document in serde_yaml::Deserializer::from_str(&text) {
                if let Err(error) = <serde_yaml::Value as serde::Deserialize>::deserialize(document)
                {
                    let detail = error.to_string();
                    if detail.contains("duplicate entry") {
                        return Err(HelmError::DuplicateKey {
                            file: file.clone(),
                            detail,
                        });
                    }
                    break; // Other YAML errors: helm says it better.
                }
            }
        }
        Ok(())
    }

    /// The values flags as helm arguments, in helm's own flag spelling.
    pub fn value_args(&self) -> Vec<OsString> {
        let groups: [(&str, &Vec<String>); 6] = [
            ("--values", &self.values),
            ("--set", &self.set),
            ("--set-string", &self.set_string),
            ("--set-file", &self.set_file),
            ("--set-json", &self.set_json),
            ("--set-literal", &self.set_literal),
        ];
        let mut args = Vec::new();
        for (flag, items) in groups {
            for item in items {
                args.push(flag.into());
                args.push(item.into());
            }
        }
        if let Some(version) = &self.chart_version {
            args.extend(["--version".into(), version.into()]);
        }
        args
    }

    /// The chart to use: `--chart`, else the plugin's bundled chart, else ./chart.
    pub fn resolve_chart(&self) -> Result<String, HelmError> {
        if let Some(chart) = &self.chart {
            return Ok(chart.clone());
        }
        let bundled =
            std::env::var_os("HELM_PLUGIN_DIR").map(|dir| PathBuf::from(dir).join("chart"));
        bundled
            .into_iter()
            .chain([PathBuf::from("chart")])
            .find(|dir| dir.join("Chart.yaml").is_file())
            .map(|dir| dir.to_string_lossy().into_owned())
            .ok_or(HelmError::NoChart)
    }
}

/// The helm binary to drive.
#[derive(Debug, Clone)]
pub struct Helm {
    bin: PathBuf,
}

impl Helm {
    /// `$HELM_BIN` (set by helm for plugins), else `helm` from PATH.
    pub fn from_env() -> Self {
        let bin = std::env::var_os("HELM_BIN")
            .filter(|b| !b.is_empty())
            .unwrap_or("helm".into());
        Self { bin: bin.into() }
    }

    /// A specific helm binary.
    pub fn at(bin: impl AsRef<Path>) -> Self {
        Self {
            bin: bin.as_ref().into(),
        }
    }

    /// Under `helm --debug` (HELM_DEBUG), says which helm command runs, with every value
    /// given on the command line elided: they may hold credentials.
    fn trace(&self, args: &[OsString]) {
        if debug_enabled() {
            eprintln!("ethnet: running {}", self.shown_command(args));
        }
    }

    fn shown_command(&self, args: &[OsString]) -> String {
        let mut shown = vec![self.bin.display().to_string()];
        let mut elide_next = false;
        for arg in args {
            let arg = arg.to_string_lossy();
            let is_set = arg.starts_with("--set");
            shown.push(match arg.split_once('=') {
                _ if elide_next => "…".into(),
                // `--set=key=value`: the value is in the same argument.
                Some((flag, _)) if is_set => format!("{flag}=…"),
                _ => arg.to_string(),
            });
            elide_next = is_set && !arg.contains('=');
        }
        shown.join(" ")
    }

    /// Runs helm with `args` and returns its stdout.
    pub fn run(&self, args: &[OsString]) -> Result<String, HelmError> {
        self.trace(args);
        let output = Command::new(&self.bin)
            .args(args)
            .output()
            .map_err(|source| HelmError::Spawn {
                bin: self.bin.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            return Err(HelmError::Failed {
                command: shorten(&self.shown_command(args), MAX_SHOWN_COMMAND),
                stderr: shorten(
                    String::from_utf8_lossy(&output.stderr).trim(),
                    MAX_SHOWN_STDERR,
                ),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs helm with `args`, its output shown on stderr (stdout stays for ethnet's own
    /// output, which may be JSON).
    pub fn run_shown(&self, args: &[OsString]) -> Result<(), HelmError> {
        self.trace(args);
        let status = Command::new(&self.bin)
            .args(args)
            .stdout(std::io::stderr())
            .status()
            .map_err(|source| HelmError::Spawn {
                bin: self.bin.display().to_string(),
                source,
            })?;
        if status.success() {
            return Ok(());
        }
        Err(HelmError::Failed {
            command: shorten(&self.shown_command(args), MAX_SHOWN_COMMAND),
            stderr: format!("(its output is above; {status})"),
        })
    }

    /// Whether a release of this name exists in the namespace helm targets.
    pub fn release_exists(&self, release: &str) -> Result<bool, HelmError> {
        match self.run(&["status".into(), release.into()]) {
            Ok(_) => Ok(true),
            Err(HelmError::Failed { stderr, .. }) if stderr.contains("not found") => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// `helm install|upgrade RELEASE CHART` with the user's chart flags, then the public
    /// identities as `--set-json ethnet=…` so they win over any values file, then `extra`.
    pub fn install_or_upgrade(
        &self,
        command: &str,
        release: &str,
        chart_args: &ChartArgs,
        identities: &serde_json::Value,
        extra: &[OsString],
    ) -> Result<(), HelmError> {
        let mut args: Vec<OsString> = vec![
            command.into(),
            release.into(),
            chart_args.resolve_chart()?.into(),
        ];
        args.extend(chart_args.value_args());
        args.push("--set-json".into());
        args.push(format!("ethnet={identities}").into());
        args.extend(extra.iter().cloned());
        self.run_shown(&args)
    }

    /// The merged values that matter to ethnet, as the spec JSON the chart renders.
    pub fn render_spec(&self, chart_args: &ChartArgs) -> Result<String, HelmError> {
        let chart = chart_args.resolve_chart()?;
        let mut args: Vec<OsString> = vec![
            "template".into(),
            "ethnet-spec".into(),
            chart.into(),
            "--show-only".into(),
            SPEC_TEMPLATE.into(),
        ];
        args.extend(chart_args.value_args());
        chart_args.check_values_files()?;
        spec_from_rendered(&self.run(&args)?)
    }

    /// The whole chart as helm would install it for `release` (`helm template`), with the
    /// user's chart flags.
    pub fn render_release(
        &self,
        release: &str,
        chart_args: &ChartArgs,
    ) -> Result<String, HelmError> {
        let mut args: Vec<OsString> = vec![
            "template".into(),
            release.into(),
            chart_args.resolve_chart()?.into(),
        ];
        args.extend(chart_args.value_args());
        self.run(&args)
    }
}

/// Most characters of a failed command shown in an error.
const MAX_SHOWN_COMMAND: usize = 400;
/// Most characters of helm's error output repeated in an error.
const MAX_SHOWN_STDERR: usize = 2000;

/// `text` cut to at most `max` characters, saying how much was left out.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!(
            "{}… ({} more bytes not shown)",
            &text[..cut],
            text.len() - cut
        ),
    }
}

/// Whether helm runs with `--debug`, which it passes to plugins as HELM_DEBUG.
pub fn debug_enabled() -> bool {
    std::env::var("HELM_DEBUG").is_ok_and(|v| matches!(v.as_str(), "1" | "true"))
}

/// Extracts the spec JSON from the rendered spec ConfigMap.
pub fn spec_from_rendered(rendered: &str) -> Result<String, HelmError> {
    #[derive(serde::Deserialize)]
    struct ConfigMap {
        data: std::collections::BTreeMap<String, String>,
    }
    let config_map: ConfigMap =
        serde_yaml::from_str(rendered).map_err(|e| HelmError::NoSpec(e.to_string()))?;
    config_map
        .data
        .get(SPEC_KEY)
        .cloned()
        .ok_or_else(|| HelmError::NoSpec(format!("keys were {:?}", config_map.data.keys())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_flags_pass_through_in_helm_spelling() {
        let args = ChartArgs {
            values: vec!["a.yaml".into(), "b.yaml".into()],
            set: vec!["x=1".into()],
            set_string: vec!["y=0x10".into()],
            chart_version: Some("1.2.3".into()),
            ..Default::default()
        };
        let shown: Vec<_> = args
            .value_args()
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(
            shown,
            [
                "--values",
                "a.yaml",
                "--values",
                "b.yaml",
                "--set",
                "x=1",
                "--set-string",
                "y=0x10",
                "--version",
                "1.2.3"
            ]
        );
    }

    #[test]
    fn extracts_spec_from_helm_output() {
        let rendered = "---\n# Source: ethnet/templates/ethnet-spec-configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  spec.json: \"{\\\"a\\\":1}\"\n";
        assert_eq!(spec_from_rendered(rendered).unwrap(), r#"{"a":1}"#);
        let err = spec_from_rendered("kind: ConfigMap\ndata: {other: x}\n").unwrap_err();
        assert!(err.to_string().contains("spec.json"), "{err}");
    }

    #[test]
    fn debug_lines_never_show_set_values() {
        let args: Vec<OsString> = [
            "install",
            "x",
            "--set",
            "auth.password=hunter2",
            "--set-json",
            "ethnet={}",
            "-f",
            "v.yaml",
            "--set-string=token=s3cret",
        ]
        .map(OsString::from)
        .to_vec();
        assert_eq!(
            Helm::at("helm").shown_command(&args),
            "helm install x --set … --set-json … -f v.yaml --set-string=…"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_helm_command_hides_values_and_stays_short() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        // A helm that fails repeating its arguments, as helm does for a bad --set.
        let fake = tmp.path().join("helm");
        std::fs::write(
            &fake,
            "#!/bin/sh\necho \"Error: failed parsing --set data: $*\" >&2\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let value = format!("token={}", "s".repeat(10_000));
        let args: Vec<OsString> = ["template", "x", "chart", "--set", &value]
            .map(OsString::from)
            .to_vec();
        let message = Helm::at(&fake).run(&args).unwrap_err().to_string();
        assert!(message.len() < 3_000, "{} bytes", message.len());
        assert!(
            message.contains(" template x chart --set …` failed"),
            "{message}"
        );
        assert!(message.contains("more bytes not shown"), "{message}");
        assert!(
            message.matches("token=s").count() <= 1,
            "the value is echoed at most once, by helm itself"
        );
    }

    #[test]
    fn a_key_twice_in_a_values_file_is_refused_with_file_and_key() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("values.yaml");
        std::fs::write(&file, "network:\n  chainId: 1\n  name: a\n  chainId: 2\n").unwrap();
        let args = ChartArgs {
            values: vec![file.to_string_lossy().into_owned()],
            ..Default::default()
        };
        let message = args.check_values_files().unwrap_err().to_string();
        assert!(
            message.contains("values.yaml") && message.contains("chainId"),
            "{message}"
        );
        std::fs::write(&file, "network:\n  chainId: 1\n").unwrap();
        args.check_values_files().unwrap();
    }

    #[test]
    fn missing_helm_binary_is_named() {
        let err = Helm::at("/nonexistent/helm")
            .run(&["version".into()])
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("/nonexistent/helm") && msg.contains("HELM_BIN"),
            "{msg}"
        );
    }
}
