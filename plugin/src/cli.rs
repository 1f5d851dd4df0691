//! Command-line interface. Helm strips its own global flags (`-n`, `--kube-context`, `--debug`)
//! before calling a plugin and passes them as HELM_* environment variables instead, so no
//! command here defines them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::helm::ChartArgs;

/// Private Ethereum networks on Kubernetes: genesis, keys and secrets made before install.
#[derive(Debug, Parser)]
#[command(name = "ethnet", version, about, propagate_version = false)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// ethnet's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate every genesis file, key and secret of a network into a directory
    Generate(GenerateArgs),
    /// Summarise an artifacts directory (no secrets)
    Inspect(InspectArgs),
    /// Print an artifacts directory as the Secrets and ConfigMaps the chart consumes, or apply
    /// them to the cluster (--apply)
    Seed(SeedArgs),
    /// Health verdict of nodes reached directly (exit 1 when unhealthy)
    Health(HealthArgs),
    /// Generate the network's keys (or reuse a release's), seed them into the namespace, run
    /// helm install and give the health verdict
    Install(ReleaseArgs),
    /// Apply changes that keep the chain (client versions, RPC replicas, resources, optional
    /// components) with helm upgrade; refuse changes that would fork it
    Upgrade(ReleaseArgs),
    /// Run helm uninstall; keys, genesis and volumes stay unless --purge
    Uninstall(UninstallArgs),
    /// Health verdict of an installed network, reached through the API server
    Status(StatusArgs),
    /// Funded accounts of an installed network and their balances
    Accounts(AccountsArgs),
    /// Execution genesis tools
    #[command(subcommand)]
    Genesis(GenesisCommand),
}

/// `ethnet generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Directory to write the artifacts to (created; must be empty unless --force)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Replace an existing, non-empty output directory
    #[arg(long)]
    pub force: bool,
    /// Where a new network's keys and genesis time come from
    #[command(flatten)]
    pub keys: KeySourceArgs,
    /// Output format of the summary
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Chart and values flags, as for helm install
    #[command(flatten)]
    pub chart: ChartArgs,
}

/// Inputs of generating a new network besides its values (`generate`, and `install` of a
/// network that does not exist yet).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct KeySourceArgs {
    /// Derive every key from this seed instead of the OS random source. Anyone who knows the
    /// seed knows every key: for reproducible tests only
    #[arg(long, value_name = "TEXT")]
    pub seed: Option<String>,
    /// Use the BIP-39 mnemonic in FILE instead of generating one
    #[arg(long, value_name = "FILE")]
    pub mnemonic_file: Option<PathBuf>,
    /// Genesis time in unix seconds [default: now + network.genesisDelay]
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub genesis_time: Option<u64>,
}

/// `helm ethnet install` and `upgrade`. The namespace, kube context and kubeconfig come from
/// helm's own flags (`-n`, `--kube-context`, `--kubeconfig`), which helm hands over as
/// environment variables.
#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// Release name; artifact objects are named <RELEASE>-<set>
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// Chart and values flags, passed to helm unchanged
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Create the namespace when it does not exist
    #[arg(long)]
    pub create_namespace: bool,
    /// Passed to helm: wait until the release's resources are ready
    #[arg(long)]
    pub wait: bool,
    /// Passed to helm: time to wait for any individual Kubernetes operation (like 5m0s)
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Where a new network's keys and genesis time come from (unused when reused)
    #[command(flatten)]
    pub keys: KeySourceArgs,
    /// How long to wait for a healthy verdict after helm; 0 checks once
    #[arg(long, default_value_t = 900, value_name = "SECONDS")]
    pub health_timeout: u64,
    /// Do not check health after helm
    #[arg(long)]
    pub no_health: bool,
    /// Output format of the verdict
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Further helm flags, after `--`, passed through verbatim
    #[arg(last = true, value_name = "HELM_FLAGS")]
    pub helm_flags: Vec<String>,
}

/// `helm ethnet uninstall`.
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Release name
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// Also delete the network's keys, genesis and volumes: the chain is gone for good
    #[arg(long)]
    pub purge: bool,
    /// Do not ask before purging
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// With --purge, how long to wait for the volume claims to go: each goes once the node
    /// pod that mounts it has stopped (0: do not wait)
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub wait: u64,
    /// Further helm uninstall flags, after `--`, passed through verbatim
    #[arg(last = true, value_name = "HELM_FLAGS")]
    pub helm_flags: Vec<String>,
}

/// `helm ethnet status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Release name
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// What the verdict asks and how it is printed
    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// The health verdict's flags, the same for `status` (through the API server) and `health`
/// (nodes reached directly).
#[derive(Debug, Clone, clap::Args)]
pub struct VerdictArgs {
    /// Fewest peers each client must have
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_peers: u64,
    /// Also require a finalized epoch >= 1
    #[arg(long)]
    pub wait_finality: bool,
    /// Retry until healthy for up to this long
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub wait: u64,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `helm ethnet accounts`.
#[derive(Debug, clap::Args)]
pub struct AccountsArgs {
    /// Release name
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// Also print the private keys (decrypted from the keystores in the release's Secret)
    #[arg(long)]
    pub show_private_keys: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `ethnet inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Artifacts directory written by `ethnet generate`
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Also print the funded accounts' private keys (decrypted from their keystores)
    #[arg(long)]
    pub show_private_keys: bool,
}

/// `ethnet seed`.
#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// Artifacts directory written by `ethnet generate`
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Release name: objects are named <RELEASE>-<set> (the chart's artifactsPrefix)
    #[arg(long, value_name = "RELEASE")]
    pub release: String,
    /// Apply the objects to the cluster (server-side apply, manifest last) instead of printing
    /// them; refused when the release already holds a different network
    #[arg(long)]
    pub apply: bool,
}

/// `ethnet health`.
#[derive(Debug, clap::Args)]
pub struct HealthArgs {
    /// Artifacts directory of the network (expected chain id, genesis hash and roots)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A node to check: NODE=EXECUTION_URL,BEACON_URL (repeatable; either URL may be empty)
    #[arg(long, value_name = "NODE=URLS")]
    pub endpoint: Vec<String>,
    /// What the verdict asks and how it is printed
    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// `ethnet genesis …`.
#[derive(Debug, Subcommand)]
pub enum GenesisCommand {
    /// Print the block hash of a geth-format genesis.json
    Hash {
        /// The genesis file
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// How structured output is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned text for people.
    Table,
    /// JSON for programs.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn generate_takes_helm_chart_flags() {
        let cli = Cli::try_parse_from([
            "ethnet",
            "generate",
            "--out",
            "d",
            "-f",
            "v.yaml",
            "--set",
            "a=1",
            "--version",
            "0.2.0",
        ])
        .unwrap();
        let Command::Generate(args) = cli.command else {
            panic!("not generate")
        };
        assert_eq!(args.chart.values, ["v.yaml"]);
        assert_eq!(args.chart.chart_version.as_deref(), Some("0.2.0"));
    }

    #[test]
    fn status_and_health_read_the_same_verdict_flags() {
        let flags = [
            "--min-peers",
            "3",
            "--wait-finality",
            "--wait",
            "60",
            "--output",
            "json",
        ];
        let parse = |head: &[&str]| Cli::try_parse_from(head.iter().chain(&flags)).unwrap();
        let Command::Status(status) = parse(&["ethnet", "status", "devnet"]).command else {
            panic!("not status")
        };
        let Command::Health(health) = parse(&["ethnet", "health", "dir"]).command else {
            panic!("not health")
        };
        for verdict in [status.verdict, health.verdict] {
            assert_eq!(
                (verdict.min_peers, verdict.wait_finality, verdict.wait),
                (3, true, 60)
            );
            assert_eq!(verdict.output, OutputFormat::Json);
        }
    }
}
