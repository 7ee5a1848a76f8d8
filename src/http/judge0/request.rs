//! A Judge0 submission request, read as Judge0 reads it: text fields perhaps in base64, numbers
//! as numbers or strings, and validation errors gathered per field.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;

use super::Judge0Error;
use crate::{
    app::AppState,
    submissions::{
        execution::{RunSpec, RunTest},
        judge0::{self, callback::Reach, LimitRequest},
    },
};

/// The body of `POST /submissions`, or one submission of a batch.
#[derive(Debug, Deserialize)]
pub struct SubmissionRequest {
    source_code: Option<String>,
    language_id: Option<Value>,
    stdin: Option<String>,
    expected_output: Option<String>,
    /// CodeRank's extension: several tests, compiled once.
    test_cases: Option<Vec<TestCaseRequest>>,
    callback_url: Option<String>,
    cpu_time_limit: Option<Value>,
    cpu_extra_time: Option<Value>,
    wall_time_limit: Option<Value>,
    memory_limit: Option<Value>,
    stack_limit: Option<Value>,
    max_processes_and_or_threads: Option<Value>,
    max_file_size: Option<Value>,
    number_of_runs: Option<Value>,
    enable_network: Option<Value>,
    enable_per_process_and_thread_time_limit: Option<Value>,
    enable_per_process_and_thread_memory_limit: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct TestCaseRequest {
    stdin: Option<String>,
    expected_output: Option<String>,
}

/// A request that passed: what to record.
#[derive(Debug)]
pub struct Accepted {
    pub language: &'static str,
    pub source: String,
    pub spec: RunSpec,
}

/// Reads a request: 400 for text that is not base64 (when it should be) or not UTF-8, 422
/// `{"field": [...]}` for everything Judge0 validates.
pub fn accept(state: &AppState, request: SubmissionRequest, base64: bool) -> Result<Accepted, Judge0Error> {
    let config = &state.submission_limits.judge0;
    let text = |field: &str, value: Option<String>| decode(field, value, base64);
    let source = text("source_code", request.source_code)?;
    let stdin = text("stdin", request.stdin)?;
    let expected_output = text("expected_output", request.expected_output)?;
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut fail = |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);

    if source.as_deref().is_none_or(|source| source.trim().is_empty()) {
        fail("source_code", "can't be blank".to_owned());
    }
    let language = match &request.language_id {
        None | Some(Value::Null) => {
            fail("language_id", "can't be blank".to_owned());
            None
        }
        Some(value) => {
            let id = number(value).map(|id| id as u32);
            let language = id.and_then(judge0::language_of);
            if language.is_none() {
                let shown = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                fail("language_id", format!("language with id {shown} doesn't exist"));
            }
            language
        }
    };
    if source
        .as_ref()
        .is_some_and(|source| source.len() > state.submission_limits.max_source_bytes)
    {
        let max = state.submission_limits.max_source_bytes;
        fail("source_code", format!("is too long (maximum is {max} bytes)"));
    }
    if let Some(url) = &request.callback_url {
        match url::Url::parse(url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {
                let reach = Reach::new(&state.submission_limits.judge0.judge0_callback_allow);
                if let Some(why) = reach.refuses(&url) {
                    fail("callback_url", format!("is not allowed: {why}"));
                }
            }
            _ => fail("callback_url", "is not a valid http(s) URL".to_owned()),
        }
    }

    let mut limit_errors = BTreeMap::new();
    let mut numeric = |field: &str, value: &Option<Value>| -> Option<f64> {
        let value = value.as_ref().filter(|value| !value.is_null())?;
        let parsed = number(value);
        if parsed.is_none() {
            limit_errors.insert(field.to_owned(), vec!["is not a number".to_owned()]);
        }
        parsed
    };
    let limits = LimitRequest {
        cpu_time_limit: numeric("cpu_time_limit", &request.cpu_time_limit),
        cpu_extra_time: numeric("cpu_extra_time", &request.cpu_extra_time),
        wall_time_limit: numeric("wall_time_limit", &request.wall_time_limit),
        memory_limit: numeric("memory_limit", &request.memory_limit),
        stack_limit: numeric("stack_limit", &request.stack_limit),
        max_processes_and_or_threads: numeric(
            "max_processes_and_or_threads",
            &request.max_processes_and_or_threads,
        ),
        max_file_size: numeric("max_file_size", &request.max_file_size),
        number_of_runs: numeric("number_of_runs", &request.number_of_runs),
        enable_network: flag(&request.enable_network),
        enable_per_process_and_thread_time_limit: flag(&request.enable_per_process_and_thread_time_limit),
        enable_per_process_and_thread_memory_limit: flag(&request.enable_per_process_and_thread_memory_limit),
    };
    errors.append(&mut limit_errors);
    let limits = match judge0::check_limits(&limits, config) {
        Ok(limits) => Some(limits),
        Err(mut more) => {
            for (field, messages) in std::mem::take(&mut more) {
                errors.entry(field).or_default().extend(messages);
            }
            None
        }
    };

    let tests = match request.test_cases {
        Some(cases) => {
            if cases.is_empty() || cases.len() > config.judge0_max_batch_size {
                let max = config.judge0_max_batch_size;
                errors
                    .entry("test_cases".to_owned())
                    .or_default()
                    .push(format!("must hold between 1 and {max} test cases"));
            }
            let mut tests = Vec::with_capacity(cases.len());
            for (index, case) in cases.into_iter().enumerate() {
                tests.push(RunTest {
                    stdin: decode(&format!("test_cases[{index}].stdin"), case.stdin, base64)?
                        .unwrap_or_default(),
                    expected_output: decode(
                        &format!("test_cases[{index}].expected_output"),
                        case.expected_output,
                        base64,
                    )?,
                });
            }
            tests
        }
        None => vec![RunTest {
            stdin: stdin.unwrap_or_default(),
            expected_output,
        }],
    };
    let max_input = state.submission_limits.max_source_bytes * 16;
    if tests.iter().map(|test| test.stdin.len()).sum::<usize>() > max_input {
        errors
            .entry("stdin".to_owned())
            .or_default()
            .push(format!("is too long (maximum is {max_input} bytes in all)"));
    }

    match (errors.is_empty(), language, source, limits) {
        (true, Some(language), Some(source), Some(limits)) => Ok(Accepted {
            language,
            source,
            spec: RunSpec {
                tests,
                limits,
                callback_url: request.callback_url,
            },
        }),
        _ => Err(Judge0Error::Invalid(errors)),
    }
}

/// A text field: decoded from base64 when the request says so (line breaks allowed, as
/// Judge0's clients wrap at 60 or 76 characters), and UTF-8 in any case.
fn decode(field: &str, value: Option<String>, base64: bool) -> Result<Option<String>, Judge0Error> {
    let Some(value) = value else { return Ok(None) };
    if !base64 {
        return Ok(Some(value));
    }
    let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| Judge0Error::BadRequest(format!("{field} is not valid base64")))?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Judge0Error::BadRequest(format!(
            "{field} cannot be converted to UTF-8 (CodeRank runs text only)"
        ))
    })
}

/// A number sent as a JSON number or a string, as Rails reads it.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn flag(value: &Option<Value>) -> Option<bool> {
    match value.as_ref()? {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => Some(text == "true"),
        _ => None,
    }
}
