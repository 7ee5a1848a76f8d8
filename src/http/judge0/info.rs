//! What Judge0 says about itself: `/about`, `/config_info`, `/languages`, `/statuses`.
//! Anyone may read them, as in Judge0.

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::{json, Value};

use super::{render, Judge0Error};
use crate::{app::AppState, judge::languages::Languages, submissions::judge0};

/// The Judge0 CE version whose API this one follows (clients pick language ids by it).
const JUDGE0_VERSION: &str = "1.13.1";

pub(super) async fn about() -> Json<Value> {
    Json(json!({
        "version": JUDGE0_VERSION,
        "homepage": "https://github.com/coderank",
        "source_code": "https://github.com/coderank",
        "maintainer": "CodeRank (a Judge0-compatible API)",
    }))
}

/// The languages this CodeRank runs, by Judge0 id.
pub(super) async fn languages() -> Json<Value> {
    let table = Languages::table();
    let languages: Vec<Value> = judge0::LANGUAGES
        .iter()
        .filter(|(_, language, _)| table.get(language).is_ok())
        .map(|(id, _, name)| json!({ "id": id, "name": name }))
        .collect();
    Json(Value::Array(languages))
}

pub(super) async fn language(Path(id): Path<String>) -> Result<Json<Value>, Judge0Error> {
    let language = id
        .parse::<u32>()
        .ok()
        .and_then(judge0::language_of)
        .filter(|language| Languages::table().get(language).is_ok())
        .ok_or(Judge0Error::NotFound)?;
    Ok(Json(render::language_json(language)))
}

pub(super) async fn statuses() -> Json<Value> {
    let statuses: Vec<Value> = judge0::STATUSES
        .iter()
        .map(|(id, description)| json!({ "id": id, "description": description }))
        .collect();
    Json(Value::Array(statuses))
}

/// Judge0's configuration document, with CodeRank's defaults and maxima.
pub(super) async fn config_info(State(state): State<AppState>) -> Json<Value> {
    let config = &state.submission_limits.judge0;
    Json(json!({
        "maintenance_mode": false,
        "enable_wait_result": true,
        "enable_compiler_options": false,
        "allowed_languages_for_compile_options": [],
        "enable_command_line_arguments": false,
        "enable_submission_delete": false,
        "enable_callbacks": true,
        "callbacks_max_tries": config.judge0_callback_max_tries,
        "callbacks_timeout": 5.0,
        "enable_additional_files": false,
        "max_queue_size": 10_000,
        "cpu_time_limit": config.judge0_cpu_time_limit,
        "max_cpu_time_limit": config.judge0_max_cpu_time_limit,
        "cpu_extra_time": 0.0,
        "max_cpu_extra_time": 5.0,
        "wall_time_limit": config.judge0_wall_time_limit,
        "max_wall_time_limit": config.judge0_max_wall_time_limit,
        "memory_limit": config.judge0_memory_limit,
        "max_memory_limit": config.judge0_max_memory_limit,
        "stack_limit": config.judge0_stack_limit,
        "max_stack_limit": config.judge0_max_stack_limit,
        "max_processes_and_or_threads": 120,
        "max_max_processes_and_or_threads": 120,
        "enable_per_process_and_thread_time_limit": false,
        "allow_enable_per_process_and_thread_time_limit": false,
        "enable_per_process_and_thread_memory_limit": false,
        "allow_enable_per_process_and_thread_memory_limit": false,
        "max_file_size": config.judge0_max_file_size,
        "max_max_file_size": config.judge0_max_max_file_size,
        "number_of_runs": 1,
        "max_number_of_runs": 20,
        "redirect_stderr_to_stdout": false,
        "max_extract_size": 0,
        "enable_batched_submissions": true,
        "max_submission_batch_size": config.judge0_max_batch_size,
        "submission_cache_duration": 0.0,
        "use_docs_as_homepage": false,
        "allow_enable_network": false,
        "enable_network": false,
    }))
}
