//! Test groups and scoring rules: `testdata.yaml` (legacy Kattis, read as problemtools reads it)
//! and `test_group.yaml` (2025-09, also read under its 2023-07 name `testdata.yaml`), and
//! per-case `<case>.yaml`. Fills in each test case's validator arguments and, for a scoring
//! problem, the [`Scoring`] tree the judge aggregates scores with (`crate::judge::scoring`).
//!
//! Interpretations made here:
//! - Legacy: every directory under `data/` holding test cases is a group; a key missing from a
//!   group's `testdata.yaml` is inherited from its parent, as problemtools merges them. The
//!   deprecated `grading:` keys of `problem.yaml` (`on_reject`, `accept_score`, `reject_score`,
//!   `range`) win over the files, as problemtools has them. `grading: custom` (a grader program)
//!   is refused.
//! - 2025-09: `secret` and its direct subdirectories are the scored groups; deeper directories
//!   belong to their group. Scoring keys are not inherited; `output_validator_args` are, from
//!   `secret` to its groups and from a group to its cases.
//! - Validator arguments of a case: legacy `validator_flags` of `problem.yaml`, then the group's
//!   `output_validator_flags` / `output_validator_args`, then those of the case's own `.yaml`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use serde::Deserialize;

use super::{PackageError, PackageFormat, TestCase};

/// How a scoring problem is scored: the group tree and the problem's maximum score.
#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    /// Legacy: the `data` group (every test below it); 2025-09: `secret`.
    pub root: TestGroup,
    /// 2025-09: the sample cases (indices into the package's test cases), which score nothing
    /// but may be required to pass (`require_pass: sample`). Empty for legacy.
    pub sample: Vec<usize>,
    /// The most a submission can score, `None` when unbounded.
    pub max_score: Option<f64>,
}

/// One test group.
#[derive(Debug, Clone, PartialEq)]
pub struct TestGroup {
    /// The path below `data/`, e.g. `secret/group1`; empty for the legacy root.
    pub name: String,
    /// How the group's result comes from its items'.
    pub rules: GroupRules,
    /// Test cases and subgroups, in judging order.
    pub items: Vec<GroupItem>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupItem {
    /// A test case, by its index in the package's test cases.
    Case(usize),
    /// A subgroup.
    Group(TestGroup),
}

/// The aggregation rules of a group, in the dialect of the package's format.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupRules {
    /// Legacy `testdata.yaml`, aggregated as problemtools' default grader does.
    Legacy(LegacyRules),
    /// 2025-09 `test_group.yaml`.
    Modern(ModernRules),
}

/// Legacy grading keys with their defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyRules {
    /// `on_reject: break` stops judging the group at its first rejected item.
    pub on_reject_break: bool,
    /// How the group's verdict comes from its items' (`grader_flags`).
    pub verdicts: VerdictAggregation,
    /// How the group's score comes from its items' (`grader_flags`).
    pub scores: ScoreAggregation,
    /// `grader_flags: ignore_sample`: only the last item (secret) counts.
    pub ignore_sample: bool,
    /// `grader_flags: accept_if_any_accepted`.
    pub accept_if_any_accepted: bool,
    /// Score of an accepted case without a `score.txt`.
    pub accept_score: f64,
    /// Score of a rejected case.
    pub reject_score: f64,
    /// The scores the group may get, `range: "lo hi"`.
    pub range: (f64, f64),
}

/// problemtools' verdict aggregators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictAggregation {
    /// The worst verdict (the default; also `no_errors`).
    WorstError,
    /// The first rejected item's verdict.
    FirstError,
    /// Always accepted.
    AlwaysAccept,
}

/// problemtools' score aggregators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreAggregation {
    Sum,
    Avg,
    Min,
    Max,
}

/// 2025-09 scoring keys with their defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ModernRules {
    /// `score_aggregation`.
    pub aggregation: Aggregation,
    /// `max_score`, `None` for `unbounded`.
    pub max_score: Option<f64>,
    /// Names (below `data/`) of the groups, or `sample`, that must pass for this one to score.
    pub require_pass: Vec<String>,
}

/// 2025-09 `score_aggregation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    PassFail,
    Sum,
    Min,
}

// ---------------------------------------------------------------------------
// reading

/// The keys of `testdata.yaml` / `test_group.yaml` that are read; others are ignored.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct RawGroupYaml {
    on_reject: Option<String>,
    grading: Option<String>,
    grader_flags: Option<String>,
    accept_score: Option<f64>,
    reject_score: Option<f64>,
    range: Option<String>,
    output_validator_flags: Option<String>,
    output_validator_args: Option<Args>,
    max_score: Option<MaxScore>,
    score_aggregation: Option<String>,
    require_pass: Option<Names>,
}

/// Arguments as a YAML sequence (2025-09) or one string split at spaces (2023-07).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Args {
    Words(String),
    List(Vec<String>),
}

impl Args {
    fn into_vec(self) -> Vec<String> {
        match self {
            Args::Words(text) => text.split_whitespace().map(str::to_owned).collect(),
            Args::List(list) => list,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum MaxScore {
    Number(f64),
    Word(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Names {
    One(String),
    Many(Vec<String>),
}

/// A case's `<case>.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawCaseYaml {
    output_validator_args: Option<Args>,
}

/// Deprecated legacy `grading:` keys of `problem.yaml`, which override `testdata.yaml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct RawLegacyGrading {
    on_reject: Option<String>,
    accept_score: Option<f64>,
    reject_score: Option<f64>,
    range: Option<String>,
}

/// What [`read_groups`] needs from `problem.yaml`.
pub(super) struct GroupContext<'a> {
    pub root: &'a Path,
    pub format: PackageFormat,
    pub scoring: bool,
    /// Whether the validator may write `score.txt` (legacy `custom score`, any custom 2025-09
    /// validator): case scores are then unknown before judging.
    pub validator_scores: bool,
    pub validator_flags: &'a str,
    pub legacy_grading: RawLegacyGrading,
}

/// Sets each test case's group and validator arguments, and answers the scoring tree of a
/// scoring problem.
pub(super) fn read_groups(
    ctx: &GroupContext<'_>,
    cases: &mut [TestCase],
) -> Result<Option<Scoring>, PackageError> {
    let data = ctx.root.join("data");
    let legacy = ctx.format == PackageFormat::Legacy;
    let mut yamls: BTreeMap<String, RawGroupYaml> = BTreeMap::new();
    let mut dirs: Vec<String> = vec![String::new()];
    for case in cases.iter() {
        let mut prefix = String::new();
        for part in case
            .name
            .split('/')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if !dirs.contains(&prefix) {
                dirs.push(prefix.clone());
            }
        }
    }
    for dir in &dirs {
        let base = if dir.is_empty() {
            data.clone()
        } else {
            data.join(dir)
        };
        let mut found = None;
        for file in ["test_group.yaml", "testdata.yaml"] {
            if let Some(raw) = read_yaml::<RawGroupYaml>(&base.join(file))? {
                found = Some((raw, base.join(file)));
                break;
            }
        }
        if let Some((raw, path)) = found {
            check_group_yaml(&raw, &path, legacy, dir)?;
            yamls.insert(dir.clone(), raw);
        }
    }

    // Validator arguments: problem.yaml's flags, the nearest group setting, the case's yaml.
    for case in cases.iter_mut() {
        let dir = parent_dir(&case.name);
        case.group = group_of(&case.name, legacy);
        let mut args: Vec<String> = ctx
            .validator_flags
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if let Some(group_args) = ancestors(&dir).find_map(|d| yamls.get(&d).and_then(group_validator_args)) {
            args.extend(group_args);
        }
        let case_yaml = data.join(format!("{}.yaml", case.name));
        if let Some(raw) = read_yaml::<RawCaseYaml>(&case_yaml)? {
            if let Some(own) = raw.output_validator_args {
                args.extend(own.into_vec());
            }
        }
        case.validator_args = args;
    }

    if !ctx.scoring {
        return Ok(None);
    }
    let scoring = if legacy {
        legacy_tree(ctx, cases, &yamls)?
    } else {
        modern_tree(ctx, cases, &yamls)?
    };
    Ok(Some(scoring))
}

/// Legacy: the directory path; 2025-09: `sample`, `secret` or `secret/<group>`.
fn group_of(case_name: &str, legacy: bool) -> String {
    let dir = parent_dir(case_name);
    if legacy {
        return dir;
    }
    dir.split('/').take(2).collect::<Vec<_>>().join("/")
}

fn parent_dir(case_name: &str) -> String {
    case_name
        .rsplit_once('/')
        .map(|(dir, _)| dir.to_owned())
        .unwrap_or_default()
}

/// `dir`, its parent, and so on up to the data root `""`.
fn ancestors(dir: &str) -> impl Iterator<Item = String> + '_ {
    let mut next = Some(dir.to_owned());
    std::iter::from_fn(move || {
        let current = next.take()?;
        next = if current.is_empty() {
            None
        } else {
            Some(parent_dir(&current))
        };
        Some(current)
    })
}

fn group_validator_args(raw: &RawGroupYaml) -> Option<Vec<String>> {
    raw.output_validator_args.clone().map(Args::into_vec).or_else(|| {
        raw.output_validator_flags
            .as_ref()
            .map(|f| f.split_whitespace().map(str::to_owned).collect())
    })
}

fn read_yaml<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<Option<T>, PackageError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(PackageError::NotUtf8 {
                path: path.to_path_buf(),
            })
        }
        Err(source) => {
            return Err(PackageError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let raw: Option<T> = serde_norway::from_str(&text).map_err(|source| PackageError::InvalidGroupYaml {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Some(raw.unwrap_or_default()))
}

fn bad(path: &Path, reason: impl Into<String>) -> PackageError {
    PackageError::InvalidScoring {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn check_score(path: &Path, key: &str, value: f64) -> Result<f64, PackageError> {
    if value.is_nan() || value < 0.0 || value.is_infinite() {
        return Err(bad(
            path,
            format!("{key} must be a non-negative number, got {value}"),
        ));
    }
    Ok(value)
}

/// Refusals that need only the file itself.
fn check_group_yaml(raw: &RawGroupYaml, path: &Path, legacy: bool, dir: &str) -> Result<(), PackageError> {
    if legacy {
        if let Some(grading) = raw.grading.as_deref() {
            match grading {
                "default" => {}
                "custom" => {
                    return Err(PackageError::Unsupported {
                        path: path.to_path_buf(),
                        what: "custom grader (grading: custom)".to_owned(),
                    })
                }
                other => {
                    return Err(bad(
                        path,
                        format!("unknown grading {other:?} (expected default or custom)"),
                    ))
                }
            }
        }
        if let Some(on_reject) = raw.on_reject.as_deref() {
            parse_on_reject(on_reject).ok_or_else(|| {
                bad(
                    path,
                    format!("unknown on_reject {on_reject:?} (expected break or continue)"),
                )
            })?;
        }
        if let Some(flags) = raw.grader_flags.as_deref() {
            parse_grader_flags(flags).map_err(|word| bad(path, format!("unknown grader flag {word:?}")))?;
        }
        if let Some(score) = raw.accept_score {
            check_score(path, "accept_score", score)?;
        }
        if let Some(score) = raw.reject_score {
            check_score(path, "reject_score", score)?;
        }
        if let Some(range) = raw.range.as_deref() {
            parse_range(range).map_err(|reason| bad(path, reason))?;
        }
    } else {
        let scoring_key =
            raw.max_score.is_some() || raw.score_aggregation.is_some() || raw.require_pass.is_some();
        if scoring_key && dir.starts_with("sample") {
            return Err(bad(
                path,
                "max_score, score_aggregation and require_pass are not permitted in sample",
            ));
        }
        if let Some(aggregation) = raw.score_aggregation.as_deref() {
            parse_aggregation(aggregation).ok_or_else(|| {
                bad(
                    path,
                    format!("unknown score_aggregation {aggregation:?} (expected pass-fail, sum or min)"),
                )
            })?;
        }
        if let Some(max) = &raw.max_score {
            parse_max_score(max, path)?;
        }
    }
    Ok(())
}

fn parse_on_reject(value: &str) -> Option<bool> {
    match value {
        "break" | "first_error" => Some(true),
        "continue" | "grade" | "worst_error" => Some(false),
        _ => None,
    }
}

/// `(verdicts, scores, ignore_sample, accept_if_any_accepted)`, or the unknown word.
fn parse_grader_flags(flags: &str) -> Result<(VerdictAggregation, ScoreAggregation, bool, bool), String> {
    let mut parsed = (
        VerdictAggregation::WorstError,
        ScoreAggregation::Sum,
        false,
        false,
    );
    for word in flags.split_whitespace() {
        match word {
            "worst_error" | "no_errors" => parsed.0 = VerdictAggregation::WorstError,
            "first_error" => parsed.0 = VerdictAggregation::FirstError,
            "always_accept" => parsed.0 = VerdictAggregation::AlwaysAccept,
            "sum" => parsed.1 = ScoreAggregation::Sum,
            "avg" => parsed.1 = ScoreAggregation::Avg,
            "min" => parsed.1 = ScoreAggregation::Min,
            "max" => parsed.1 = ScoreAggregation::Max,
            "ignore_sample" => parsed.2 = true,
            "accept_if_any_accepted" => parsed.3 = true,
            other => return Err(other.to_owned()),
        }
    }
    Ok(parsed)
}

/// `"lo hi"`, each a number or `±inf`, `lo <= hi`.
pub(super) fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(str::parse::<f64>)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("range {text:?} must be two numbers, \"lo hi\""))?;
    match numbers.as_slice() {
        [lo, hi] if !lo.is_nan() && !hi.is_nan() && lo <= hi => Ok((*lo, *hi)),
        _ => Err(format!("range {text:?} must be two numbers lo <= hi")),
    }
}

fn parse_aggregation(value: &str) -> Option<Aggregation> {
    match value {
        "pass-fail" => Some(Aggregation::PassFail),
        "sum" => Some(Aggregation::Sum),
        "min" => Some(Aggregation::Min),
        _ => None,
    }
}

fn parse_max_score(max: &MaxScore, path: &Path) -> Result<Option<f64>, PackageError> {
    match max {
        MaxScore::Word(word) if word == "unbounded" => Ok(None),
        MaxScore::Word(word) => Err(bad(
            path,
            format!("max_score {word:?} must be a number or unbounded"),
        )),
        MaxScore::Number(n) => check_score(path, "max_score", *n).map(Some),
    }
}

// ---------------------------------------------------------------------------
// legacy

fn legacy_tree(
    ctx: &GroupContext<'_>,
    cases: &[TestCase],
    yamls: &BTreeMap<String, RawGroupYaml>,
) -> Result<Scoring, PackageError> {
    let yaml_path = ctx.root.join("problem.yaml");
    let grading = &ctx.legacy_grading;
    if let Some(value) = grading.on_reject.as_deref() {
        parse_on_reject(value)
            .ok_or_else(|| bad(&yaml_path, format!("grading: unknown on_reject {value:?}")))?;
    }
    for (key, value) in [
        ("accept_score", grading.accept_score),
        ("reject_score", grading.reject_score),
    ] {
        if let Some(value) = value {
            check_score(&yaml_path, &format!("grading: {key}"), value)?;
        }
    }
    let problem_range = match grading.range.as_deref() {
        Some(text) => {
            Some(parse_range(text).map_err(|reason| bad(&yaml_path, format!("grading: {reason}")))?)
        }
        None => None,
    };
    let rules_of = |dir: &str| -> LegacyRules {
        // Nearest setting of each key wins, then problem.yaml's deprecated overrides.
        let key = |get: &dyn Fn(&RawGroupYaml) -> Option<String>| {
            ancestors(dir).find_map(|d| yamls.get(&d).and_then(get))
        };
        let number = |get: &dyn Fn(&RawGroupYaml) -> Option<f64>| {
            ancestors(dir).find_map(|d| yamls.get(&d).and_then(get))
        };
        let on_reject = grading
            .on_reject
            .clone()
            .or_else(|| key(&|y| y.on_reject.clone()));
        let flags = key(&|y| y.grader_flags.clone()).unwrap_or_default();
        // Checked when the files were read.
        let (verdicts, scores, ignore_sample, accept_if_any_accepted) =
            parse_grader_flags(&flags).unwrap_or((
                VerdictAggregation::WorstError,
                ScoreAggregation::Sum,
                false,
                false,
            ));
        let range = problem_range
            .or_else(|| key(&|y| y.range.clone()).and_then(|r| parse_range(&r).ok()))
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        LegacyRules {
            on_reject_break: on_reject.as_deref().and_then(parse_on_reject).unwrap_or(true),
            verdicts,
            scores,
            ignore_sample,
            accept_if_any_accepted,
            accept_score: grading
                .accept_score
                .or_else(|| number(&|y| y.accept_score))
                .unwrap_or(1.0),
            reject_score: grading
                .reject_score
                .or_else(|| number(&|y| y.reject_score))
                .unwrap_or(0.0),
            range,
        }
    };
    let root = build_tree(cases, "", &|dir| GroupRules::Legacy(rules_of(dir)), usize::MAX);
    let computed = legacy_max(&root);
    let GroupRules::Legacy(root_rules) = &root.rules else {
        unreachable!("legacy rules were built");
    };
    if !ctx.validator_scores {
        let declared = |dir: &str| -> Option<f64> {
            let own = yamls
                .get(dir)
                .and_then(|y| y.range.as_deref())
                .and_then(|r| parse_range(r).ok());
            let problem = if dir.is_empty() { problem_range } else { None };
            problem.or(own).map(|range| range.1)
        };
        check_legacy_sums(&root, ctx.root, &declared)?;
    }
    let max_score = if root_rules.range.1.is_finite() {
        Some(root_rules.range.1)
    } else if ctx.validator_scores {
        None
    } else {
        Some(computed)
    };
    Ok(Scoring {
        root,
        sample: Vec::new(),
        max_score,
    })
}

/// The most a legacy group can score when every case gets its `accept_score`.
pub fn legacy_max(group: &TestGroup) -> f64 {
    let GroupRules::Legacy(rules) = &group.rules else {
        return 0.0;
    };
    let maxes: Vec<f64> = group
        .items
        .iter()
        .map(|item| match item {
            GroupItem::Case(_) => rules.accept_score.max(rules.reject_score),
            GroupItem::Group(sub) => legacy_max(sub),
        })
        .collect();
    let maxes: &[f64] = if rules.ignore_sample && !maxes.is_empty() {
        &maxes[maxes.len() - 1..]
    } else {
        &maxes
    };
    let total = match rules.scores {
        ScoreAggregation::Sum => maxes.iter().sum(),
        ScoreAggregation::Avg if maxes.is_empty() => 0.0,
        ScoreAggregation::Avg => maxes.iter().sum::<f64>() / maxes.len() as f64,
        ScoreAggregation::Min => maxes.iter().copied().fold(f64::INFINITY, f64::min),
        ScoreAggregation::Max => maxes.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    if total.is_finite() {
        total
    } else {
        0.0
    }
}

/// Refuses a group whose own `range` (not one inherited) has an upper end other than what its
/// cases add up to.
fn check_legacy_sums(
    group: &TestGroup,
    root: &Path,
    declared: &dyn Fn(&str) -> Option<f64>,
) -> Result<(), PackageError> {
    // Innermost first, so that the group at fault is the one named.
    for item in &group.items {
        if let GroupItem::Group(sub) = item {
            check_legacy_sums(sub, root, declared)?;
        }
    }
    if let Some(declared) = declared(&group.name) {
        let computed = legacy_max(group);
        if declared.is_finite() && (computed - declared).abs() > 1e-9 {
            let file = root.join("data").join(&group.name).join("testdata.yaml");
            return Err(bad(
                &file,
                format!(
                    "scores do not add up: group {:?} can score at most {computed} but its range allows up to {declared}",
                    display_name(&group.name)
                ),
            ));
        }
    }
    Ok(())
}

fn display_name(name: &str) -> &str {
    if name.is_empty() {
        "data"
    } else {
        name
    }
}

/// The group tree below `dir` from the ordered cases; directories deeper than `max_depth`
/// (counted from `dir`) belong to their ancestor at that depth.
fn build_tree(
    cases: &[TestCase],
    dir: &str,
    rules: &dyn Fn(&str) -> GroupRules,
    max_depth: usize,
) -> TestGroup {
    let mut group = TestGroup {
        name: dir.to_owned(),
        rules: rules(dir),
        items: Vec::new(),
    };
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut index = 0;
    while index < cases.len() {
        let Some(rest) = cases[index].name.strip_prefix(&prefix) else {
            index += 1;
            continue;
        };
        match rest.split_once('/') {
            Some((sub, _)) if max_depth > 0 => {
                let sub_dir = format!("{prefix}{sub}");
                let sub_prefix = format!("{sub_dir}/");
                let end = index
                    + cases[index..]
                        .iter()
                        .take_while(|case| case.name.starts_with(&sub_prefix))
                        .count();
                let mut sub_group = build_tree(&cases[index..end], &sub_dir, rules, max_depth - 1);
                shift(&mut sub_group, index);
                group.items.push(GroupItem::Group(sub_group));
                index = end;
            }
            _ => {
                group.items.push(GroupItem::Case(index));
                index += 1;
            }
        }
    }
    group
}

/// Renumbers the case indices of a tree built from a slice starting at `offset`.
fn shift(group: &mut TestGroup, offset: usize) {
    for item in &mut group.items {
        match item {
            GroupItem::Case(index) => *index += offset,
            GroupItem::Group(sub) => shift(sub, offset),
        }
    }
}

// ---------------------------------------------------------------------------
// 2025-09

fn modern_tree(
    ctx: &GroupContext<'_>,
    cases: &[TestCase],
    yamls: &BTreeMap<String, RawGroupYaml>,
) -> Result<Scoring, PackageError> {
    let file_of = |dir: &str| ctx.root.join("data").join(dir).join("test_group.yaml");
    let rules_of = |dir: &str| -> Result<ModernRules, PackageError> {
        let secret = dir == "secret";
        let raw = yamls.get(dir).cloned().unwrap_or_default();
        let path = file_of(dir);
        let aggregation = match raw.score_aggregation.as_deref() {
            Some(value) => parse_aggregation(value).unwrap_or(Aggregation::Sum),
            None if secret => Aggregation::Sum,
            None => Aggregation::PassFail,
        };
        let max_score = match &raw.max_score {
            Some(max) => parse_max_score(max, &path)?,
            None if secret => Some(100.0),
            None => None,
        };
        let require_pass = match raw.require_pass {
            None => Vec::new(),
            Some(Names::One(name)) => vec![name],
            Some(Names::Many(names)) => names,
        };
        Ok(ModernRules {
            aggregation,
            max_score,
            require_pass,
        })
    };
    let secret_cases: Vec<usize> = (0..cases.len())
        .filter(|&i| cases[i].name.starts_with("secret/"))
        .collect();
    let sample: Vec<usize> = (0..cases.len()).filter(|&i| cases[i].is_sample).collect();
    let first = secret_cases.first().copied().unwrap_or(cases.len());
    let last = secret_cases.last().map_or(first, |&i| i + 1);
    // Rules are read fallibly first, so that the tree builder can take them as they are.
    let mut rules: BTreeMap<String, ModernRules> = BTreeMap::new();
    for case in &cases[first..last] {
        for dir in ["secret".to_owned(), group_of(&case.name, false)] {
            if !rules.contains_key(&dir) {
                rules.insert(dir.clone(), rules_of(&dir)?);
            }
        }
    }
    if !rules.contains_key("secret") {
        rules.insert("secret".to_owned(), rules_of("secret")?);
    }
    let get = |dir: &str| {
        GroupRules::Modern(rules.get(dir).cloned().unwrap_or_else(|| ModernRules {
            aggregation: Aggregation::PassFail,
            max_score: None,
            require_pass: Vec::new(),
        }))
    };
    let mut root = build_tree(&cases[first..last], "secret", &get, 1);
    shift(&mut root, first);
    check_modern(&root, ctx.root)?;
    let GroupRules::Modern(secret) = &root.rules else {
        unreachable!("modern rules were built");
    };
    Ok(Scoring {
        max_score: secret.max_score,
        root,
        sample,
    })
}

/// Refuses 2025-09 groups that contradict each other or whose scores do not add up.
fn check_modern(secret: &TestGroup, root: &Path) -> Result<(), PackageError> {
    let file = |dir: &str| root.join("data").join(dir).join("test_group.yaml");
    let GroupRules::Modern(rules) = &secret.rules else {
        return Ok(());
    };
    let groups: Vec<&TestGroup> = secret
        .items
        .iter()
        .filter_map(|item| match item {
            GroupItem::Group(group) => Some(group),
            GroupItem::Case(_) => None,
        })
        .collect();
    if !groups.is_empty() && groups.len() != secret.items.len() {
        return Err(bad(
            &file("secret"),
            "data/secret holds both test cases and test groups",
        ));
    }
    if rules.aggregation == Aggregation::PassFail && rules.max_score.is_none() {
        return Err(bad(
            &file("secret"),
            "pass-fail aggregation needs a bounded max_score",
        ));
    }
    for name in &rules.require_pass {
        if name != "sample" {
            return Err(bad(
                &file("secret"),
                format!("require_pass: secret may only require sample, not {name:?}"),
            ));
        }
    }
    let mut group_maxes = Vec::new();
    for (position, group) in groups.iter().enumerate() {
        let GroupRules::Modern(own) = &group.rules else {
            continue;
        };
        let path = file(&group.name);
        if rules.aggregation == Aggregation::PassFail && own.aggregation != Aggregation::PassFail {
            return Err(bad(
                &path,
                "secret has pass-fail aggregation, so must every group",
            ));
        }
        if rules.max_score.is_some() && own.max_score.is_none() && rules.aggregation != Aggregation::PassFail
        {
            return Err(bad(
                &path,
                format!(
                    "max_score is unbounded (the default) but secret's is {}",
                    rules.max_score.unwrap_or(0.0)
                ),
            ));
        }
        if own.aggregation == Aggregation::PassFail
            && own.max_score.is_none()
            && rules.aggregation != Aggregation::PassFail
        {
            return Err(bad(&path, "pass-fail aggregation needs a bounded max_score"));
        }
        for name in &own.require_pass {
            let earlier = groups[..position]
                .iter()
                .any(|g| &g.name == name || g.name.strip_prefix("secret/") == Some(name));
            if name != "sample" && !earlier {
                let exists = groups
                    .iter()
                    .any(|g| &g.name == name || g.name.strip_prefix("secret/") == Some(name));
                let why = if exists {
                    "comes after it"
                } else {
                    "does not exist"
                };
                return Err(bad(
                    &path,
                    format!("require_pass names the group {name:?}, which {why}"),
                ));
            }
        }
        group_maxes.push(own.max_score);
    }
    if let (Some(max), false) = (rules.max_score, groups.is_empty()) {
        let bounded: Vec<f64> = group_maxes.iter().flatten().copied().collect();
        let adds_up = match rules.aggregation {
            Aggregation::Sum => (bounded.iter().sum::<f64>() - max).abs() < 1e-9,
            Aggregation::Min => bounded.iter().all(|m| (m - max).abs() < 1e-9),
            Aggregation::PassFail => true,
        };
        if !adds_up {
            return Err(bad(
                &file("secret"),
                format!(
                    "scores do not add up: the groups' max_score ({}) do not make secret's max_score {max} with {:?} aggregation",
                    bounded.iter().map(f64::to_string).collect::<Vec<_>>().join(", "),
                    rules.aggregation
                ),
            ));
        }
    }
    Ok(())
}
