//! The Judge0-compatible API: its defaults, the maxima a request may ask for, and callbacks.

use clap::Args;
use ipnet::IpNet;
use secrecy::SecretString;

use super::parse_secret;

/// Limits of the Judge0-compatible API (`/judge0`). Units are Judge0's: seconds and KiB. A
/// request asking for more than a maximum is refused with Judge0's 422.
#[derive(Debug, Clone, Args)]
pub struct Judge0Config {
    /// CPU time limit of a submission that names none, in seconds.
    #[arg(long, env = "CODERANK_JUDGE0_CPU_TIME_LIMIT", default_value_t = 5.0)]
    pub judge0_cpu_time_limit: f64,
    /// Largest `cpu_time_limit` a submission may ask for, in seconds.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_CPU_TIME_LIMIT", default_value_t = 15.0)]
    pub judge0_max_cpu_time_limit: f64,
    /// Wall-clock limit of a submission that names none, in seconds.
    #[arg(long, env = "CODERANK_JUDGE0_WALL_TIME_LIMIT", default_value_t = 10.0)]
    pub judge0_wall_time_limit: f64,
    /// Largest `wall_time_limit`, in seconds.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_WALL_TIME_LIMIT", default_value_t = 20.0)]
    pub judge0_max_wall_time_limit: f64,
    /// Memory limit of a submission that names none, in KiB.
    #[arg(long, env = "CODERANK_JUDGE0_MEMORY_LIMIT", default_value_t = 128_000)]
    pub judge0_memory_limit: u64,
    /// Largest `memory_limit`, in KiB.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_MEMORY_LIMIT", default_value_t = 512_000)]
    pub judge0_max_memory_limit: u64,
    /// Stack limit of a submission that names none, in KiB (at most its memory limit).
    #[arg(long, env = "CODERANK_JUDGE0_STACK_LIMIT", default_value_t = 64_000)]
    pub judge0_stack_limit: u64,
    /// Largest `stack_limit`, in KiB (the stack counts against the memory limit).
    #[arg(long, env = "CODERANK_JUDGE0_MAX_STACK_LIMIT", default_value_t = 128_000)]
    pub judge0_max_stack_limit: u64,
    /// Output limit (`max_file_size`) of a submission that names none, in KiB.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_FILE_SIZE", default_value_t = 1024)]
    pub judge0_max_file_size: u64,
    /// Largest `max_file_size`, in KiB.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_MAX_FILE_SIZE", default_value_t = 4096)]
    pub judge0_max_max_file_size: u64,
    /// Most submissions in one batch, and most `test_cases` in one submission.
    #[arg(long, env = "CODERANK_JUDGE0_MAX_BATCH_SIZE", default_value_t = 20)]
    pub judge0_max_batch_size: usize,
    /// The key of the HMAC-SHA256 signature of each callback (header
    /// `X-CodeRank-Signature: sha256=<hex>`); unset: callbacks are sent unsigned.
    #[arg(
        long,
        env = "CODERANK_JUDGE0_CALLBACK_SECRET",
        value_parser = parse_secret,
        hide_env_values = true
    )]
    pub judge0_callback_secret: Option<SecretString>,
    /// Most attempts to deliver one callback (the first included); 5xx answers and network
    /// failures are retried with doubling waits from 1 s.
    #[arg(long, env = "CODERANK_JUDGE0_CALLBACK_MAX_TRIES", default_value_t = 5)]
    pub judge0_callback_max_tries: u32,
    /// Seconds after the result within which a callback must be delivered, retries included.
    #[arg(long, env = "CODERANK_JUDGE0_CALLBACK_DEADLINE_SECS", default_value_t = 60)]
    pub judge0_callback_deadline_secs: u64,
    /// Networks a `callback_url` may reach besides public addresses, comma-separated (CIDR or
    /// single addresses, e.g. `10.1.0.0/16,127.0.0.1`). Unset: loopback, private, link-local
    /// (cloud metadata) and other non-public addresses are refused.
    #[arg(
        long,
        env = "CODERANK_JUDGE0_CALLBACK_ALLOW",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub judge0_callback_allow: Vec<IpNet>,
}

/// A network in CIDR form, or one address.
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither a network (10.0.0.0/8) nor an address"))
}

impl Default for Judge0Config {
    fn default() -> Self {
        Self {
            judge0_cpu_time_limit: 5.0,
            judge0_max_cpu_time_limit: 15.0,
            judge0_wall_time_limit: 10.0,
            judge0_max_wall_time_limit: 20.0,
            judge0_memory_limit: 128_000,
            judge0_max_memory_limit: 512_000,
            judge0_stack_limit: 64_000,
            judge0_max_stack_limit: 128_000,
            judge0_max_file_size: 1024,
            judge0_max_max_file_size: 4096,
            judge0_max_batch_size: 20,
            judge0_callback_secret: None,
            judge0_callback_max_tries: 5,
            judge0_callback_deadline_secs: 60,
            judge0_callback_allow: Vec::new(),
        }
    }
}
