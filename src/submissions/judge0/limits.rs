//! The limits a Judge0 request may ask for, checked against the configured maxima with
//! Judge0's own messages (Rails' numericality and inclusion validations).

use std::collections::BTreeMap;

use crate::{config::Judge0Config, submissions::execution::RunLimits};

/// The limits and options of a Judge0 request, as sent (Judge0's units: seconds, KiB).
#[derive(Debug, Clone, Copy, Default)]
pub struct LimitRequest {
    pub cpu_time_limit: Option<f64>,
    pub cpu_extra_time: Option<f64>,
    pub wall_time_limit: Option<f64>,
    pub memory_limit: Option<f64>,
    pub stack_limit: Option<f64>,
    pub max_processes_and_or_threads: Option<f64>,
    pub max_file_size: Option<f64>,
    pub number_of_runs: Option<f64>,
    pub enable_network: Option<bool>,
    pub enable_per_process_and_thread_time_limit: Option<bool>,
    pub enable_per_process_and_thread_memory_limit: Option<bool>,
}

/// Most CPU time added before a program is stopped, in seconds (Judge0's MAX_CPU_EXTRA_TIME).
const MAX_CPU_EXTRA_TIME: f64 = 5.0;
/// Most processes or threads (the sandbox allows this many; Judge0's default maximum).
const MAX_PROCESSES: f64 = 120.0;
/// Most runs of a submission (each run executes the program once more; CodeRank runs once).
const MAX_NUMBER_OF_RUNS: f64 = 20.0;

/// The run's limits, or Judge0's errors: `{"field": ["message", …]}`.
pub fn check_limits(
    request: &LimitRequest,
    config: &Judge0Config,
) -> Result<RunLimits, BTreeMap<String, Vec<String>>> {
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut check = |field: &str, value: Option<f64>, max: f64, integral: bool| {
        let Some(value) = value else { return };
        let message = if !value.is_finite() {
            Some("is not a number".to_owned())
        } else if value <= 0.0 {
            Some("must be greater than 0".to_owned())
        } else if value > max {
            Some(format!("must be less than or equal to {}", shown(max, integral)))
        } else {
            None
        };
        if let Some(message) = message {
            errors.entry(field.to_owned()).or_default().push(message);
        }
    };
    check(
        "cpu_time_limit",
        request.cpu_time_limit,
        config.judge0_max_cpu_time_limit,
        false,
    );
    check(
        "cpu_extra_time",
        request.cpu_extra_time,
        MAX_CPU_EXTRA_TIME,
        false,
    );
    check(
        "wall_time_limit",
        request.wall_time_limit,
        config.judge0_max_wall_time_limit,
        false,
    );
    check(
        "memory_limit",
        request.memory_limit,
        config.judge0_max_memory_limit as f64,
        true,
    );
    check(
        "stack_limit",
        request.stack_limit,
        config.judge0_max_stack_limit as f64,
        true,
    );
    check(
        "max_processes_and_or_threads",
        request.max_processes_and_or_threads,
        MAX_PROCESSES,
        true,
    );
    check(
        "max_file_size",
        request.max_file_size,
        config.judge0_max_max_file_size as f64,
        true,
    );
    check("number_of_runs", request.number_of_runs, MAX_NUMBER_OF_RUNS, true);
    let refused = [
        ("enable_network", request.enable_network),
        (
            "enable_per_process_and_thread_time_limit",
            request.enable_per_process_and_thread_time_limit,
        ),
        (
            "enable_per_process_and_thread_memory_limit",
            request.enable_per_process_and_thread_memory_limit,
        ),
    ];
    for (field, enabled) in refused {
        if enabled == Some(true) {
            errors
                .entry(field.to_owned())
                .or_default()
                .push("this option cannot be enabled".to_owned());
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let cpu = request.cpu_time_limit.unwrap_or(config.judge0_cpu_time_limit);
    Ok(RunLimits {
        cpu_time_secs: cpu + request.cpu_extra_time.unwrap_or(0.0),
        wall_time_secs: request.wall_time_limit.unwrap_or(config.judge0_wall_time_limit),
        memory_kb: request
            .memory_limit
            .map_or(config.judge0_memory_limit, |kb| kb as u64),
        output_kb: request
            .max_file_size
            .map_or(config.judge0_max_file_size, |kb| kb as u64),
        stack_kb: Some(
            request
                .stack_limit
                .map_or(config.judge0_stack_limit, |kb| kb as u64),
        ),
    })
}

/// A maximum as Rails prints it: a float keeps its `.0`.
fn shown(max: f64, integral: bool) -> String {
    if integral {
        format!("{}", max as u64)
    } else if max.fract() == 0.0 {
        format!("{max:.1}")
    } else {
        format!("{max}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_above_the_maxima_get_judge0s_messages() {
        let config = Judge0Config::default();
        let request = LimitRequest {
            cpu_time_limit: Some(100.0),
            memory_limit: Some(10_000_000.0),
            wall_time_limit: Some(0.0),
            enable_network: Some(true),
            ..LimitRequest::default()
        };
        let errors = check_limits(&request, &config).expect_err("refused");
        assert_eq!(errors["cpu_time_limit"], ["must be less than or equal to 15.0"]);
        assert_eq!(errors["memory_limit"], ["must be less than or equal to 512000"]);
        assert_eq!(errors["wall_time_limit"], ["must be greater than 0"]);
        assert_eq!(errors["enable_network"], ["this option cannot be enabled"]);
    }

    #[test]
    fn limits_within_the_maxima_become_the_runs_limits() {
        let config = Judge0Config::default();
        let request = LimitRequest {
            cpu_time_limit: Some(1.5),
            memory_limit: Some(65_536.0),
            ..LimitRequest::default()
        };
        let limits = check_limits(&request, &config).expect("accepted");
        assert_eq!(limits.cpu_time_secs, 1.5);
        assert_eq!(limits.memory_kb, 65_536);
        assert_eq!(limits.wall_time_secs, config.judge0_wall_time_limit);
    }
}
