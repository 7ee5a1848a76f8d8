//! A run as a Judge0 submission: the fields a request asks for (`?fields=`), text in base64
//! when it asks for that (`?base64_encoded=true`).

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::Judge0Error;
use crate::{
    judge::languages::Languages,
    submissions::{
        judge0::{self, Status},
        playground::RunDetail,
    },
};

/// The fields Judge0 answers when none are asked for.
const DEFAULT_FIELDS: [&str; 8] = [
    "token",
    "stdout",
    "stderr",
    "compile_output",
    "message",
    "status",
    "time",
    "memory",
];

/// Every field of Judge0's (`*`); `test_cases` is asked for by name (Judge0's clients would
/// not know it), and always answered for a run with several tests.
const ALL_FIELDS: [&str; 34] = [
    "source_code",
    "language_id",
    "stdin",
    "expected_output",
    "stdout",
    "status_id",
    "created_at",
    "finished_at",
    "time",
    "memory",
    "stderr",
    "token",
    "number_of_runs",
    "cpu_time_limit",
    "cpu_extra_time",
    "wall_time_limit",
    "memory_limit",
    "stack_limit",
    "max_processes_and_or_threads",
    "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit",
    "max_file_size",
    "compile_output",
    "exit_code",
    "exit_signal",
    "message",
    "wall_time",
    "compiler_options",
    "command_line_arguments",
    "redirect_stderr_to_stdout",
    "callback_url",
    "enable_network",
    "status",
    "language",
];

/// The fields of `?fields=`: Judge0's defaults when absent, every field for `*`, else the
/// named ones; 400 naming the unknown ones, as Judge0 does.
pub fn fields(requested: Option<&str>) -> Result<Vec<&'static str>, Judge0Error> {
    let Some(requested) = requested.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(DEFAULT_FIELDS.to_vec());
    };
    if requested == "*" {
        return Ok(ALL_FIELDS.to_vec());
    }
    let mut chosen = Vec::new();
    let mut invalid = Vec::new();
    for name in requested
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        match ALL_FIELDS
            .iter()
            .chain(&["test_cases"])
            .find(|known| **known == name)
        {
            Some(known) => chosen.push(*known),
            None => invalid.push(name.to_owned()),
        }
    }
    if !invalid.is_empty() {
        return Err(Judge0Error::BadRequest(format!(
            "invalid fields: [{}]",
            invalid.join(", ")
        )));
    }
    Ok(chosen)
}

/// A run as Judge0 shows a submission.
pub fn submission(detail: &RunDetail, fields: &[&str], base64: bool) -> Value {
    let run = &detail.run;
    let result = run.result.as_ref();
    let (status, message) = judge0::status_of(run.status, result);
    let text = |value: Option<&str>| -> Value {
        match value {
            None => Value::Null,
            Some(text) if base64 => Value::String(base64::engine::general_purpose::STANDARD.encode(text)),
            Some(text) => Value::String(text.to_owned()),
        }
    };
    let first = detail.spec.tests.first();
    let language_id = judge0::judge0_id_of(&run.language);
    let limits = &detail.spec.limits;
    let mut object = Map::new();
    for field in fields {
        let value = match *field {
            "source_code" => text(Some(&detail.source)),
            "language_id" => json!(language_id),
            "stdin" => text(first.map(|test| test.stdin.as_str())),
            "expected_output" => text(first.and_then(|test| test.expected_output.as_deref())),
            "stdout" => text(nonempty(result.map(|result| &result.stdout))),
            "stderr" => text(nonempty(result.map(|result| &result.stderr))),
            "compile_output" => text(nonempty(result.and_then(|result| result.compile_output.as_ref()))),
            "message" => text(message.as_deref()),
            "status" => status_json(status),
            "status_id" => json!(status.id),
            "created_at" => json!(timestamp(run.created_at)),
            "finished_at" => json!(detail.finished_at.map(timestamp)),
            "token" => json!(run.id),
            "time" => seconds(result.map(|result| result.time_ms)),
            "wall_time" => seconds(result.map(|result| result.wall_ms)),
            "memory" => json!(result.map(|result| result.memory_kb)),
            "exit_code" => json!(result.and_then(|result| exit_code(result.exit_code, result.signal))),
            "exit_signal" => json!(result.and_then(|result| result.signal)),
            "number_of_runs" => json!(1),
            "cpu_time_limit" => json!(limits.cpu_time_secs),
            "cpu_extra_time" => json!(0.0),
            "wall_time_limit" => json!(limits.wall_time_secs),
            "memory_limit" => json!(limits.memory_kb),
            "stack_limit" => json!(limits.stack_kb),
            "max_file_size" => json!(limits.output_kb),
            "enable_per_process_and_thread_time_limit"
            | "enable_per_process_and_thread_memory_limit"
            | "enable_network"
            | "redirect_stderr_to_stdout" => json!(false),
            "callback_url" => json!(detail.spec.callback_url),
            "language" => language_json(&run.language),
            "test_cases" => test_cases(detail, base64),
            // Accepted and checked against their maxima, but not recorded.
            _ => Value::Null,
        };
        object.insert((*field).to_owned(), value);
    }
    // A run with several tests always says how each went.
    if detail.spec.tests.len() > 1 && !object.contains_key("test_cases") {
        object.insert("test_cases".to_owned(), test_cases(detail, base64));
    }
    Value::Object(object)
}

/// Each test's outcome (CodeRank's extension), `null` until the run is finished.
fn test_cases(detail: &RunDetail, base64: bool) -> Value {
    let Some(result) = &detail.run.result else {
        return Value::Null;
    };
    let encode = |text: &str| -> Value {
        if text.is_empty() {
            Value::Null
        } else if base64 {
            Value::String(base64::engine::general_purpose::STANDARD.encode(text))
        } else {
            Value::String(text.to_owned())
        }
    };
    if result.tests.is_empty() {
        // One test, or none ran (a compile error): the run's own outcome stands for each.
        return Value::Array(Vec::new());
    }
    let tests = result
        .tests
        .iter()
        .map(|test| {
            let (status, message) = judge0::test_status(test);
            json!({
                "status": status_json(status),
                "stdout": encode(&test.stdout),
                "stderr": encode(&test.stderr),
                "message": message,
                "time": seconds(Some(test.time_ms)),
                "wall_time": seconds(Some(test.wall_ms)),
                "memory": test.memory_kb,
                "exit_code": exit_code(test.exit_code, test.signal),
                "exit_signal": test.signal,
            })
        })
        .collect();
    Value::Array(tests)
}

/// Judge0 answers `null` for an empty output.
fn nonempty(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|text| !text.is_empty())
}

fn status_json(status: Status) -> Value {
    json!({ "id": status.id, "description": status.description })
}

/// Judge0's language object: id, name, and how it is compiled and run.
pub fn language_json(language: &str) -> Value {
    let Some((id, _, name)) = judge0::LANGUAGES.iter().find(|(_, known, _)| *known == language) else {
        return Value::Null;
    };
    let found = Languages::table().get(language).ok();
    json!({
        "id": id,
        "name": name,
        "is_archived": false,
        "source_file": found.map(|language| language.source_file.clone()),
        "compile_cmd": found.and_then(|language| language.compile.as_ref().map(|command| command.join(" "))),
        "run_cmd": found.map(|language| language.run.join(" ")),
    })
}

/// Seconds as Judge0 writes them: a decimal string, `null` before the run.
fn seconds(ms: Option<u64>) -> Value {
    match ms {
        Some(ms) => Value::String(format!("{:.3}", ms as f64 / 1000.0)),
        None => Value::Null,
    }
}

/// Judge0's `exit_code`: the program's, and none when a signal ended it.
fn exit_code(code: Option<i32>, signal: Option<i32>) -> Option<i32> {
    if signal.is_some() {
        None
    } else {
        code
    }
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
