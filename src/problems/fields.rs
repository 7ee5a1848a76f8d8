//! The one rulebook of a problem's fields. Each field is a type that can hold only a valid
//! value, built at the edge (an API request body, a package's `problem.yaml`) and refused there
//! with a message naming the rule; the database layer takes only these types, so the API, an
//! import and an admin edit cannot disagree on what a problem may be.

use std::fmt;

/// Why a field was refused; the message names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError(message.into()))
}

/// 1 to 64 lowercase letters, digits and inner dashes: the problem's name in URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub const RULE: &'static str = "slug must be 1 to 64 lowercase letters, digits and inner dashes";

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        if is_slug(text) {
            Ok(Self(text.to_owned()))
        } else {
            refuse(Self::RULE)
        }
    }

    /// A slug made from any name (see [`slugify`]), if one can be.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::parse(&slugify(name)).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `text` is a valid slug: lowercase letters, digits and inner dashes, at most 64.
pub fn is_slug(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A slug made from any name: lowercase, runs of other characters become one dash.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// 1 to 200 characters, without surrounding whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 200 {
            return refuse(format!(
                "title must be 1 to 200 characters (it is {})",
                text.chars().count()
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// CPU time per test, 1 ms to 60 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimitMs(i32);

impl TimeLimitMs {
    pub const DEFAULT: Self = Self(1000);

    pub fn parse(ms: i64) -> Result<Self, FieldError> {
        match i32::try_from(ms) {
            Ok(ms) if (1..=60_000).contains(&ms) => Ok(Self(ms)),
            _ => refuse(format!("time_limit_ms must be 1 to 60000, not {ms}")),
        }
    }

    /// From a package's limit in seconds, rounded to the millisecond.
    pub fn from_seconds(seconds: f64) -> Result<Self, FieldError> {
        if !(0.001..=60.0).contains(&seconds) {
            return refuse(format!("the time limit must be 0.001 to 60 s, not {seconds} s"));
        }
        Self::parse((seconds * 1000.0).round() as i64)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Memory per test, 16 MiB to 64 GiB (no runtime starts in less).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryMb(i32);

impl MemoryMb {
    /// As in problemtools.
    pub const DEFAULT: Self = Self(1024);

    pub fn parse(mb: i64) -> Result<Self, FieldError> {
        mebibytes("memory_mb (the memory limit)", 16, mb).map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Output per test, 1 MiB to 64 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputMb(i32);

impl OutputMb {
    pub const DEFAULT: Self = Self(8);

    pub fn parse(mb: i64) -> Result<Self, FieldError> {
        mebibytes("output_mb (the output limit)", 1, mb).map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A size in MiB from `min` to 64 GiB.
fn mebibytes(what: &str, min: i32, mb: i64) -> Result<i32, FieldError> {
    match i32::try_from(mb) {
        Ok(mb) if (min..=65_536).contains(&mb) => Ok(mb),
        _ => refuse(format!("{what} must be {min} to 65536 MiB, not {mb}")),
    }
}

/// At most 20 tags, each 1 to 40 characters without whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub fn parse(tags: &[String]) -> Result<Self, FieldError> {
        let valid = |tag: &String| {
            !tag.is_empty() && tag.chars().count() <= 40 && !tag.chars().any(char::is_whitespace)
        };
        if tags.len() > 20 || !tags.iter().all(valid) {
            return refuse("tags: at most 20, each 1 to 40 characters without spaces");
        }
        Ok(Self(tags.to_vec()))
    }

    /// A package's keywords as tags: whitespace inside a keyword becomes a dash, empty and
    /// repeated ones are dropped; then the rule above holds or the package is refused.
    pub fn from_keywords<'a>(keywords: impl IntoIterator<Item = &'a str>) -> Result<Self, FieldError> {
        let mut tags: Vec<String> = Vec::new();
        for keyword in keywords {
            let tag = keyword.split_whitespace().collect::<Vec<_>>().join("-");
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Self::parse(&tags).map_err(|err| FieldError(format!("problem.yaml: keywords as {err}")))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// 0 to 10 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difficulty(i32);

impl Difficulty {
    pub fn parse(value: i64) -> Result<Self, FieldError> {
        match i32::try_from(value) {
            Ok(value) if (0..=10_000).contains(&value) => Ok(Self(value)),
            _ => refuse(format!("difficulty must be 0 to 10000, not {value}")),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// `validator_flags` that mean something to the problem's checker: the default output
/// validator's own flags (see its module), or, for a custom validator, any arguments that split
/// as a shell would split them (the validator gets them after its three Kattis arguments).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidatorFlagsText(String);

impl ValidatorFlagsText {
    pub fn parse(text: &str, checker: CheckerKind) -> Result<Self, FieldError> {
        match checker {
            CheckerKind::Default => {
                crate::judge::checker::default_validator::ValidatorFlags::parse(text)
                    .map_err(|err| FieldError(format!("validator_flags: {err}")))?;
            }
            CheckerKind::Custom => {
                if shlex::split(text).is_none() {
                    return refuse(format!(
                        "validator_flags: {text:?} has an unclosed quote or ends in a backslash"
                    ));
                }
            }
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a test case is shown to users (`sample`) or not (`secret`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TestKind {
    Sample,
    Secret,
}

impl TestKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::text_column!(TestKind);

/// How a problem's outputs are checked: the ICPC default validator, or its own.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CheckerKind {
    Default,
    Custom,
}

impl CheckerKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::text_column!(CheckerKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_hold_alike_for_every_caller() {
        assert!(Slug::parse("a-plus-b").is_ok());
        for bad in ["", "-a", "a-", "A", "a b", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Slug::from_name("A Plus B!").expect("slug").as_str(), "a-plus-b");
        assert!(Slug::from_name("ÄÖ").is_none());
        assert_eq!(Title::parse("  A + B ").expect("title").as_str(), "A + B");
        assert!(Title::parse(" ").is_err() && Title::parse(&"x".repeat(201)).is_err());
        assert!(TimeLimitMs::parse(0).is_err() && TimeLimitMs::parse(60_001).is_err());
        assert_eq!(TimeLimitMs::from_seconds(1.5).expect("limit").get(), 1500);
        assert!(MemoryMb::parse(15).is_err() && MemoryMb::parse(16).is_ok());
        assert!(OutputMb::parse(0).is_err());
        assert!(Difficulty::parse(-1).is_err() && Difficulty::parse(10_000).is_ok());
        assert!(Tags::parse(&["dp".to_owned(), "two words".to_owned()]).is_err());
        assert_eq!(
            Tags::from_keywords(["dynamic programming", "graphs", "graphs", " "])
                .expect("tags")
                .as_slice(),
            ["dynamic-programming", "graphs"]
        );
        assert!(ValidatorFlagsText::parse("float_tolerance 1e-6", CheckerKind::Default).is_ok());
        assert!(ValidatorFlagsText::parse("no_such_flag", CheckerKind::Default).is_err());
        assert!(ValidatorFlagsText::parse("--tolerance 0.5 'two words'", CheckerKind::Custom).is_ok());
        assert!(ValidatorFlagsText::parse("--name 'open", CheckerKind::Custom).is_err());
        assert_eq!("secret".parse::<TestKind>(), Ok(TestKind::Secret));
        assert!("public".parse::<TestKind>().is_err());
        assert_eq!("custom".parse::<CheckerKind>(), Ok(CheckerKind::Custom));
    }

    #[test]
    fn slugs_are_made_from_names_and_checked() {
        assert_eq!(slugify("A + B"), "a-b");
        assert_eq!(slugify("  Big_Sum 2 "), "big-sum-2");
        assert_eq!(slugify("ÄÖ"), "");
        assert!(is_slug("aplusb") && is_slug("a-1"));
        for bad in ["", "-a", "a-", "A", "a_b", &"x".repeat(65)] {
            assert!(!is_slug(bad), "{bad:?}");
        }
        assert!(is_slug(&slugify(&"long name ".repeat(20))));
    }
}
