//! Problem statements from Markdown to HTML. Raw HTML in a statement is shown as text, never
//! passed through, and `$…$` / `$$…$$` math becomes elements that KaTeX renders in the browser.
//! Relative image paths (`![](circle.png)`, as the package has the image beside the statement)
//! point at the URL where the problem's statement files are served.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

/// The statement as HTML that is safe to embed in a page; relative image paths are made to
/// start with `files_base` when given.
pub fn to_html(markdown: &str, files_base: Option<&str>) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rebase(dest_url, files_base),
            title,
            id,
        }),
        Event::InlineMath(tex) => math(&tex, false),
        Event::DisplayMath(tex) => math(&tex, true),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// A link target without a script scheme (`javascript:`, `vbscript:`, `data:`), which would
/// run code when clicked. Images need no such care: browsers run no script from an image.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = url.contains(':') && !scheme.contains(['/', '?', '#']);
    if has_scheme && ["javascript", "vbscript", "data"].contains(&scheme.as_str()) {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// `circle.png` → `{files_base}/circle.png`; URLs with a scheme, from the root, or only a
/// fragment stay as they are.
fn rebase<'a>(url: CowStr<'a>, files_base: Option<&str>) -> CowStr<'a> {
    let Some(base) = files_base else {
        return url;
    };
    let relative = !url.contains(':') && !url.starts_with(['/', '#', '?']) && !url.is_empty();
    if relative {
        let path = url.strip_prefix("./").unwrap_or(&url);
        CowStr::from(format!("{}/{path}", base.trim_end_matches('/')))
    } else {
        url
    }
}

/// An element that `app.js` hands to KaTeX; its text is the TeX, so without scripts the
/// reader still sees the formula's source.
fn math(tex: &str, display: bool) -> Event<'static> {
    let escaped = tex
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let class = if display { "math display" } else { "math" };
    Event::InlineHtml(CowStr::from(format!("<span class=\"{class}\">{escaped}</span>")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_script_links_are_dropped_and_math_is_kept_for_katex() {
        let html = to_html(
            "Sum $a_1 + b_1 < 10$.\n\n<script>alert(1)</script>\n\n$$x^2$$",
            None,
        );
        assert!(
            html.contains("<span class=\"math\">a_1 + b_1 &lt; 10</span>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<span class=\"math display\">x^2</span>"), "{html}");
        let links =
            to_html("[a](JavaScript:alert(1)) [b](vbscript:x) [e](DATA:text/html,x) [c](https://example.org/a:b) [d](/p/x)", None);
        assert_eq!(links.matches("href=\"#\"").count(), 3, "{links}");
        assert!(
            links.contains("https://example.org/a:b") && links.contains("href=\"/p/x\""),
            "{links}"
        );
    }

    #[test]
    fn relative_images_point_at_the_served_statement_files() {
        let html = to_html(
            "![c](circle.png) ![d](./d.svg) ![e](https://example.org/e.png) ![f](/static/f.png)",
            Some("/problems/circle/statement/"),
        );
        assert!(
            html.contains("src=\"/problems/circle/statement/circle.png\""),
            "{html}"
        );
        assert!(
            html.contains("src=\"/problems/circle/statement/d.svg\""),
            "{html}"
        );
        assert!(html.contains("src=\"https://example.org/e.png\""), "{html}");
        assert!(html.contains("src=\"/static/f.png\""), "{html}");
        assert!(to_html("![c](circle.png)", None).contains("src=\"circle.png\""));
    }
}
