//! The line diff shown for a wrong answer on a sample test: bounded in input, in time and in
//! output, and computed off the async runtime, so that millions of short lines cost a fraction
//! of a second, never minutes.

use std::time::Duration;

/// Lines of diff shown.
const DIFF_LINES: usize = 40;
/// How much of each side is compared: the start of the outputs is where the difference a
/// person can read is.
const COMPARED_BYTES: usize = 64 * 1024;
const COMPARED_LINES: usize = 2_000;
/// How long the diff may search for a minimal answer before it settles for a coarser one.
const SEARCH_TIME: Duration = Duration::from_millis(200);

/// A unified line diff of the expected and the actual output, cut to [`DIFF_LINES`] lines.
pub fn line_diff(expected: &[u8], actual: &[u8]) -> String {
    let (expected, expected_cut) = head(expected);
    let (actual, actual_cut) = head(actual);
    let diff = similar::TextDiff::configure()
        .timeout(SEARCH_TIME)
        .diff_lines(expected.as_str(), actual.as_str());
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("expected", "actual")
        .to_string();
    let mut lines: Vec<&str> = text.lines().take(DIFF_LINES + 1).collect();
    if lines.len() > DIFF_LINES {
        lines.truncate(DIFF_LINES);
        lines.push("…");
    }
    let mut shown = lines.join("\n");
    if expected_cut || actual_cut {
        shown.push_str(&format!(
            "\n(compared the first {COMPARED_LINES} lines or {} KiB of each)",
            COMPARED_BYTES / 1024
        ));
    }
    shown
}

/// The diff of [`line_diff`], computed on a blocking thread.
pub async fn line_diff_off_runtime(expected: Vec<u8>, actual: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || line_diff(&expected, &actual))
        .await
        .unwrap_or_else(|_| "(no diff: computing it failed)".to_owned())
}

/// The compared start of one side, and whether it was cut.
fn head(bytes: &[u8]) -> (String, bool) {
    let mut end = bytes.len().min(COMPARED_BYTES);
    if let Some((at, _)) = bytes[..end]
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(COMPARED_LINES - 1)
    {
        end = at + 1;
    }
    (
        String::from_utf8_lossy(&bytes[..end]).into_owned(),
        end < bytes.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_answer_diff_shows_the_mismatching_line() {
        let diff = line_diff(b"1\n2\n3\n", b"1\n5\n3\n");
        assert!(diff.contains("-2") && diff.contains("+5"), "{diff}");
    }

    #[test]
    fn millions_of_short_lines_are_diffed_in_a_moment() {
        let expected = b"3\n".to_vec();
        let actual: Vec<u8> = (0..3_500_000)
            .flat_map(|i| [b'0' + (i % 10) as u8, b'\n'])
            .collect();
        let started = std::time::Instant::now();
        let diff = line_diff(&expected, &actual);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert!(diff.lines().count() <= DIFF_LINES + 2, "{diff}");
        assert!(diff.contains("compared the first"), "{diff}");
    }
}
