//! LaTeX statements to HTML with pandoc, at import only: a page view never runs pandoc.
//!
//! The `.tex` is untrusted input, so pandoc (never a TeX engine) runs as a subprocess with
//! `--sandbox` (no file is read but stdin: `\input{/etc/passwd}` and `\include` read nothing),
//! a heap cap (`+RTS -M`), a deadline after which it is killed, and a cap on what it may write.
//! Math becomes MathML (`--mathml`), which browsers draw without a script or a font download.
//! The problemtools macros that pandoc does not know are defined in [`PREAMBLE`].

use std::{process::Stdio, time::Duration};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long pandoc may take on one statement (real ones take well under a second).
pub const PANDOC_TIMEOUT: Duration = Duration::from_secs(20);

/// pandoc's heap cap, as a GHC runtime option.
const PANDOC_HEAP: &str = "-M512m";

/// More HTML than this from one statement is refused.
pub const MAX_HTML_BYTES: usize = 8 << 20;

/// How much of pandoc's error output is kept for the message.
const MAX_STDERR_BYTES: u64 = 16 << 10;

/// Definitions of problemtools' statement macros (problemtools/templates/latex/problemset.cls)
/// in terms pandoc understands. `\problemname` is dropped: the page shows the title itself.
pub const PREAMBLE: &str = r"\newcommand{\problemname}[1]{}
\newcommand{\illustration}[3]{\begin{figure}\includegraphics{#2}\caption{#3}\end{figure}}
\newcommand{\sampletable}[4]{}
\newcommand{\nextsample}{}
\newcommand{\remainingsamples}{}
\newcommand{\fullsampletable}{}
";

/// Why a statement could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The LaTeX is the fault: pandoc refused it, or took too long, or made too much.
    #[error("{0}")]
    Refused(String),
    /// pandoc could not be run at all (not installed?): the server's fault.
    #[error("cannot run pandoc (scripts/bootstrap installs it): {0}")]
    Unavailable(#[source] std::io::Error),
}

/// The HTML fragment pandoc makes of `source` (not yet sanitized: see [`super::html`]).
pub async fn to_html(source: &str) -> Result<String, RenderError> {
    let mut child = tokio::process::Command::new("pandoc")
        .args([
            "+RTS",
            PANDOC_HEAP,
            "-RTS",
            "--sandbox",
            "--from=latex",
            "--to=html5",
        ])
        .args(["--mathml", "--shift-heading-level-by=1", "--wrap=none"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(RenderError::Unavailable)?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(RenderError::Unavailable(std::io::Error::other(
            "pandoc's pipes are missing",
        )));
    };
    let input = format!("{PREAMBLE}\n{source}");
    let run = async {
        let write = async move {
            // pandoc may fail before reading everything; its exit status says why.
            let _ = stdin.write_all(input.as_bytes()).await;
            drop(stdin);
        };
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut stdout = stdout.take(MAX_HTML_BYTES as u64 + 1);
        let mut stderr = stderr.take(MAX_STDERR_BYTES);
        let read_out = stdout.read_to_end(&mut out);
        let read_err = stderr.read_to_end(&mut err);
        let ((), out_read, err_read) = tokio::join!(write, read_out, read_err);
        out_read.map_err(RenderError::Unavailable)?;
        err_read.map_err(RenderError::Unavailable)?;
        if out.len() > MAX_HTML_BYTES {
            return Err(RenderError::Refused(format!(
                "pandoc made more than {MAX_HTML_BYTES} bytes of HTML of it"
            )));
        }
        let status = child.wait().await.map_err(RenderError::Unavailable)?;
        if !status.success() {
            let message = String::from_utf8_lossy(&err);
            let reason = message
                .lines()
                .filter(|line| !line.starts_with("[WARNING]") && !line.starts_with("  "))
                .collect::<Vec<_>>()
                .join(" ");
            return Err(RenderError::Refused(format!(
                "pandoc cannot read it ({status}): {}",
                reason.trim()
            )));
        }
        String::from_utf8(out)
            .map_err(|_| RenderError::Refused("pandoc made HTML that is not UTF-8".to_owned()))
    };
    match tokio::time::timeout(PANDOC_TIMEOUT, run).await {
        Ok(result) => result,
        // Dropping `child` (kill_on_drop) kills pandoc.
        Err(_) => Err(RenderError::Refused(format!(
            "pandoc did not finish within {} s",
            PANDOC_TIMEOUT.as_secs()
        ))),
    }
}

/// The argument of the first `\problemname{…}`, as a plain title (`None` if absent or empty).
pub fn problem_name(source: &str) -> Option<String> {
    let start = source.find(r"\problemname{")? + r"\problemname{".len();
    let mut depth = 1;
    let mut name = String::new();
    for c in source[start..].chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => name.push(c),
        }
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty() && !name.contains('\\')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_name_is_read_from_problemname() {
        assert_eq!(
            problem_name("\\problemname{Cirkel}\nText").as_deref(),
            Some("Cirkel")
        );
        assert_eq!(problem_name("\\problemname{ A {B} }").as_deref(), Some("A B"));
        assert_eq!(problem_name("no name"), None);
        assert_eq!(problem_name("\\problemname{\\emph{x}}"), None);
    }

    #[tokio::test]
    async fn latex_with_problemtools_macros_becomes_html_with_mathml() {
        let html = to_html(
            "\\problemname{Circle}\n\\illustration{0.3}{circle.png}{A circle}\n\
             Given $r$, print $\\pi r^2$.\n\\section*{Input}\nOne line.\n",
        )
        .await
        .expect("renders");
        assert!(
            html.contains("<math") && html.contains("<msup><mi>r</mi><mn>2</mn></msup>"),
            "{html}"
        );
        assert!(
            html.contains("<h2") && html.contains("Input"),
            "sections are below the page's h1: {html}"
        );
        assert!(html.contains("src=\"circle.png\""), "{html}");
        assert!(!html.contains("Circle"), "\\problemname is dropped: {html}");
    }

    #[tokio::test]
    async fn input_and_include_read_no_file() {
        let html =
            to_html("Before \\input{/etc/passwd} \\input{/etc/hostname.tex} \\include{/etc/passwd} after.")
                .await
                .expect("renders, without the files");
        assert!(!html.contains("root:"), "{html}");
        let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        assert!(
            hostname.trim().is_empty() || !html.contains(hostname.trim()),
            "{html}"
        );
        assert!(html.contains("Before") && html.contains("after."), "{html}");
    }

    #[tokio::test]
    async fn latex_pandoc_cannot_read_is_refused_with_its_reason() {
        let err = to_html("\\begin{itemize} \\item unclosed")
            .await
            .expect_err("refused");
        assert!(matches!(err, RenderError::Refused(_)), "{err}");
        let err = to_html("\\newcommand{\\a}{\\a}\\a")
            .await
            .expect_err("a macro loop is refused");
        assert!(err.to_string().contains("pandoc"), "{err}");
    }
}
