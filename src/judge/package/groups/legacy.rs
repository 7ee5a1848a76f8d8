//! Legacy `testdata.yaml` groups: rules inherited key by key, as problemtools merges them, and
//! the check that scores add up to each folder's own `range`.

use super::*;

pub(super) fn legacy_tree(
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
