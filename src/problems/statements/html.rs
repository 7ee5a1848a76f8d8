//! Statement HTML made safe to embed in a page: what pandoc made of a package's LaTeX passes
//! through ammonia's allow-list (HTML plus MathML; no script, no event handler, no `style`, no
//! `javascript:` link), and relative links and images are pointed at the URL where the
//! problem's statement files are served.

use std::borrow::Cow;

/// MathML elements pandoc writes (`annotation-xml`, which may carry HTML, is left out).
const MATHML_TAGS: &[&str] = &[
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
];

/// Presentation attributes of those elements.
const MATHML_ATTRIBUTES: &[&str] = &[
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "form",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "linethickness",
    "columnalign",
    "rowspacing",
    "columnspacing",
    "displaystyle",
    "scriptlevel",
    "encoding",
    "width",
    "height",
    "depth",
    "largeop",
    "movablelimits",
    "symmetric",
    "minsize",
    "maxsize",
    "notation",
];

/// `html` with everything unsafe removed, and each relative URL `u` (an image or a link into
/// the statement folder) replaced by `files_base/u`.
pub fn sanitize(html: &str, files_base: &str) -> String {
    let rewrite = Rebase(files_base.trim_end_matches('/').to_owned());
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(MATHML_TAGS)
        .add_tags(["figure", "figcaption"])
        .url_relative(ammonia::UrlRelative::Custom(Box::new(rewrite)));
    for tag in MATHML_TAGS {
        builder.add_tag_attributes(tag, MATHML_ATTRIBUTES);
    }
    builder.clean(html).to_string()
}

/// Points a relative URL into the statement folder at the served files; fragments and paths
/// from the site's root are left alone.
struct Rebase(String);

impl ammonia::UrlRelativeEvaluate<'static> for Rebase {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        if url.starts_with(['#', '/', '?']) {
            return Some(Cow::Borrowed(url));
        }
        let url = url.strip_prefix("./").unwrap_or(url);
        Some(Cow::Owned(format!("{}/{url}", self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_script_links_are_removed_and_math_and_images_are_kept() {
        let html = sanitize(
            r##"<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a>
               <img src="circle.png" onerror="x()" alt="c"><img src="./sub/d.svg">
               <a href="https://example.org/">e</a><a href="#fn1">f</a></p>
               <math display="block"><semantics><msup><mi>r</mi><mn>2</mn></msup>
               <annotation encoding="application/x-tex">r^2</annotation></semantics></math>"##,
            "/problems/circle/statement/",
        );
        assert!(
            !html.contains("script") && !html.contains("onclick") && !html.contains("onerror"),
            "{html}"
        );
        assert!(
            html.contains(r#"src="/problems/circle/statement/circle.png""#),
            "{html}"
        );
        assert!(
            html.contains(r#"src="/problems/circle/statement/sub/d.svg""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://example.org/""#) && html.contains(r##"href="#fn1""##),
            "{html}"
        );
        assert!(
            html.contains(r#"<math display="block">"#) && html.contains("<msup><mi>r</mi><mn>2</mn></msup>"),
            "{html}"
        );
    }
}
