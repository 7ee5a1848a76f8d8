//! 2025-09 `test_group.yaml` groups: `secret` and its direct subfolders, their scoring keys, and
//! the refusals of groups that contradict each other or whose scores do not add up.

use super::*;

pub(super) fn modern_tree(
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
