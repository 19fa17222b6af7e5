//! The command line.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Outdial: an outbound calling platform.
#[derive(Parser, Debug)]
#[command(name = "outdial", version, about)]
pub struct Cli {
    /// A TOML configuration file (see `outdial config example`).
    #[arg(long, short, global = true, env = "OUTDIAL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://file.db, a file path, or postgres://user:password@host/db.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Import a lead CSV into a campaign, with a progress bar.
    Import(ImportArgs),
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage do-not-call lists.
    #[command(subcommand)]
    Dnc(DncCommand),
    /// Show configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run the Twilio simulator alone, for any Outdial to point its Twilio API URL at.
    TwilioSim(SimArgs),
    /// Show what Outdial understands of a sentence: the intent, and the day and time it names.
    Understand(UnderstandArgs),
}

/// Options of `understand`.
#[derive(Args, Debug)]
pub struct UnderstandArgs {
    /// What the person said.
    pub text: String,
    /// Its language: de or en (en-US, de-DE… work too).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// The person's time zone (an IANA name such as Europe/Berlin or Etc/GMT+2).
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// When it was said, RFC 3339 with any offset (default: now).
    #[arg(long)]
    pub now: Option<String>,
}

/// Options of `twilio-sim`. Its behaviour comes from the `[simulator]` configuration.
#[derive(Args, Debug)]
pub struct SimArgs {
    /// Port to listen on (on 127.0.0.1 unless --host says otherwise).
    #[arg(long, default_value_t = 4100)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Account SID to accept (default: a random one, printed).
    #[arg(long, env = "OUTDIAL_SIM_ACCOUNT_SID")]
    pub account_sid: Option<String>,
    /// Auth Token to accept and sign webhooks with (default: a random one, printed).
    #[arg(long, env = "OUTDIAL_SIM_AUTH_TOKEN", hide_env_values = true)]
    pub auth_token: Option<String>,
}

/// Options of `serve`.
#[derive(Args, Debug, Default)]
pub struct ServeArgs {
    /// Address and port to listen on, e.g. 0.0.0.0:3000.
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Do not create the demo tenant on an empty database.
    #[arg(long)]
    pub no_demo: bool,
}

/// Options of `import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The campaign id to import into.
    #[arg(long)]
    pub campaign: i64,
    /// Write the full report (counts and every rejected row) as JSON to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Tenant commands.
#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant and its owner. Prints the owner's password when generated.
    Create {
        /// The organisation's name.
        #[arg(long)]
        name: String,
        /// The owner's login email.
        #[arg(long)]
        owner_email: String,
        /// The owner's password (at least 10 characters); generated when absent.
        #[arg(long, env = "OUTDIAL_OWNER_PASSWORD", hide_env_values = true)]
        owner_password: Option<String>,
    },
}

/// User commands.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user in a tenant. Prints the password when generated.
    Create {
        /// The tenant id.
        #[arg(long)]
        tenant: i64,
        /// Login email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        /// owner, admin, manager or agent.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Password (at least 10 characters); generated when absent.
        #[arg(long, env = "OUTDIAL_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// Do-not-call commands.
#[derive(Subcommand, Debug)]
pub enum DncCommand {
    /// Add every number in a file (one per line, AAANNNNNNN or AAA,NNNNNNN or E.164) to a tenant's list.
    Import {
        /// The file.
        file: PathBuf,
        /// The tenant id.
        #[arg(long)]
        tenant: i64,
        /// Country of numbers written without +.
        #[arg(long, default_value = "US")]
        country: String,
    },
}

/// Configuration commands.
#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print a commented example configuration file.
    Example,
    /// Print the configuration in force (secrets redacted) and any warnings.
    Check,
}
