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
use std::path::Path;

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
        let mut args = shell_words(ctx.validator_flags);
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

/// The group tree below `dir` from the ordered cases; directories deeper than `max_depth`
/// (counted from `dir`) belong to their ancestor at that depth.
pub(super) fn build_tree(
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
pub(super) fn shift(group: &mut TestGroup, offset: usize) {
    for item in &mut group.items {
        match item {
            GroupItem::Case(index) => *index += offset,
            GroupItem::Group(sub) => shift(sub, offset),
        }
    }
}

mod legacy;
mod modern;
mod rules;
mod yaml;

pub use legacy::legacy_max;
use legacy::legacy_tree;
use modern::modern_tree;
use rules::*;
pub(super) use yaml::RawLegacyGrading;
use yaml::*;
