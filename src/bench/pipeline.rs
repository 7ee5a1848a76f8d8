//! `coderank bench --pipeline`: the whole path a submission takes (HTTP → queue → worker →
//! sandbox → verdict) on this machine, with an in-process server and its workers, in a scratch
//! database. Rows: throughput with a burst of submissions, latency from submit to final verdict
//! for Python and C++ A+B one at a time, from a playground run's request to its answer (what
//! the Judge0-compatible API's `?wait=true` waits for), and the leaderboard's response time with 100 000
//! submissions behind it; the judging rows for the warm pool off and on, under the engine's
//! default runtime and `crun`, side by side. Figures go in README.

use std::time::{Duration, Instant};

use anyhow::Context;

use super::client::{register, run, submit, wait};
use crate::{
    config::{ServeConfig, StorageConfig},
    problems::import::{self, ImportOptions},
};

const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";
const APLUSB_CPP: &str =
    "#include <bits/stdc++.h>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n";

#[derive(Debug, clap::Args)]
pub struct PipelineArgs {
    /// Submissions sent at once for the throughput row.
    #[arg(long, default_value_t = 50)]
    pub burst: usize,
    /// Submissions judged one at a time per language for the latency rows.
    #[arg(long, default_value_t = 20)]
    pub samples: usize,
    #[command(flatten)]
    pub serve: ServeConfig,
}

/// One configuration of the judge the pipeline is measured with.
struct Variant {
    /// Sandboxes kept ready per shape (0: every judging starts its own).
    warm_pool: usize,
    /// The OCI runtime (`None`: the engine's default).
    runtime: Option<String>,
}

impl Variant {
    fn name(&self) -> String {
        let pool = match self.warm_pool {
            0 => "pool off".to_owned(),
            size => format!("pool {size}"),
        };
        format!("{pool}, {}", self.runtime.as_deref().unwrap_or("default runtime"))
    }
}

/// What one variant measured.
struct Figures {
    burst_per_s: f64,
    python_p50_ms: f64,
    cpp_p50_ms: f64,
    run_p50_ms: f64,
}

/// Runs the pipeline benchmark against a scratch database next to the configured one, once
/// per variant (the warm pool off and on, under the engine's default runtime and, when the
/// engine has it and it can start a sandbox, `crun`), each with a server of its own, then
/// prints the variants side by side.
pub async fn pipeline(config: ServeConfig, burst: usize, samples: usize) -> anyhow::Result<()> {
    let pool_size = config.submissions.judge.warm_pool.max(1);
    let mut runtimes = vec![config.submissions.judge.docker_runtime.clone()];
    if runtimes[0].as_deref() != Some("crun") {
        match runtime_works(&config, "crun").await {
            Ok(()) => runtimes.push(Some("crun".to_owned())),
            Err(err) => println!("crun is left out: {err:#}"),
        }
    }
    let mut results = Vec::new();
    for (index, runtime) in runtimes.into_iter().enumerate() {
        for warm_pool in [0, pool_size] {
            let variant = Variant {
                warm_pool,
                runtime: runtime.clone(),
            };
            println!("\n== {} ==", variant.name());
            let leaderboard = index == 0 && warm_pool == 0;
            let figures = run_variant(config.clone(), &variant, burst, samples, leaderboard).await?;
            results.push((variant, figures));
        }
    }
    println!("\nside by side (burst of {burst}, {samples} runs per language):");
    println!(
        "{:<32} {:>14} {:>14} {:>14} {:>12}",
        "variant", "Python p50", "C++ p50", "run p50", "burst"
    );
    let baseline = results.first().map(|(_, figures)| figures.burst_per_s);
    for (variant, figures) in &results {
        let gain = baseline
            .filter(|base| *base > 0.0)
            .map(|base| (figures.burst_per_s / base - 1.0) * 100.0)
            .unwrap_or(0.0);
        println!(
            "{:<32} {:>11.0} ms {:>11.0} ms {:>11.0} ms {:>7.2} /s  ({gain:+.0} %)",
            variant.name(),
            figures.python_p50_ms,
            figures.cpp_p50_ms,
            figures.run_p50_ms,
            figures.burst_per_s
        );
    }
    Ok(())
}

/// Whether the engine has `runtime` registered and can start a sandbox under it.
async fn runtime_works(config: &ServeConfig, runtime: &str) -> anyhow::Result<()> {
    let docker = crate::docker::DockerEngine::new(&config.docker)?.client().await?;
    let info = docker.info().await.context("cannot ask the Docker engine")?;
    let registered = info.runtimes.unwrap_or_default();
    anyhow::ensure!(
        registered.contains_key(runtime),
        "the Docker engine has no runtime {runtime} (scripts/bootstrap registers it)"
    );
    let supervisor = crate::judge::sandbox::read_supervisor(config.submissions.judge.supervisor.clone())?;
    let spec = crate::judge::sandbox::SandboxSpec {
        image: crate::judge::languages::Languages::table()
            .get("python3")?
            .image
            .clone(),
        memory_mb: 256,
        tmp_mb: 64,
        shm_mb: 16,
        work_mb: 64,
        pids_limit: 64,
        cpuset: None,
        purpose: "bench",
        seccomp: crate::judge::seccomp::base(),
        pipes_volume: None,
    };
    let mut sandbox = crate::judge::sandbox::Sandbox::start_on(&docker, &spec, &supervisor, Some(runtime))
        .await
        .with_context(|| format!("{runtime} cannot start a sandbox on this engine"))?;
    sandbox.remove().await;
    Ok(())
}

async fn run_variant(
    mut config: ServeConfig,
    variant: &Variant,
    burst: usize,
    samples: usize,
    leaderboard: bool,
) -> anyhow::Result<Figures> {
    let admin_pool = crate::db::connect(&config.database).await?;
    sqlx::query("DROP DATABASE IF EXISTS coderank_bench WITH (FORCE)")
        .execute(&admin_pool)
        .await?;
    sqlx::query("CREATE DATABASE coderank_bench")
        .execute(&admin_pool)
        .await?;
    admin_pool.close().await;
    let mut url = url::Url::parse(secrecy::ExposeSecret::expose_secret(&config.database.url))?;
    url.set_path("/coderank_bench");
    config.database.url = url.to_string().into();
    config.bind = "127.0.0.1:0".parse()?;
    config.accounts.rate_submit = "off".parse().map_err(anyhow::Error::msg)?;
    config.accounts.rate_register = "off".parse().map_err(anyhow::Error::msg)?;
    let slots = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    config.submissions.workers = slots;
    config.submissions.judge.warm_pool = variant.warm_pool;
    config.submissions.judge.docker_runtime = variant.runtime.clone();
    let server = crate::server::Server::build(config.clone()).await?;
    let base = format!("http://{}", server.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let result = measure(&config, &base, slots, burst, samples, leaderboard).await;
    let _ = stop.send(());
    serving.await??;
    result
}

async fn measure(
    config: &ServeConfig,
    base: &str,
    slots: usize,
    burst: usize,
    samples: usize,
    leaderboard: bool,
) -> anyhow::Result<Figures> {
    let db = crate::db::connect(&config.database).await?;
    import_aplusb(&db, &config.storage, config).await?;
    let client = reqwest::Client::new();
    let token = register(&client, base, "bench@coderank.local").await?;
    let tests = crate::judge::package::ProblemPackage::load("problems/aplusb")?
        .test_cases
        .len();
    println!("pipeline: in-process server, {slots} judging slot(s), A+B with {tests} tests");
    println!("{:<52} {:>12}", "measurement", "result");

    // Warm the images, the test-data cache, the connection pools and the warm pool.
    for (language, source) in [("python3", APLUSB_PY), ("cpp", APLUSB_CPP)] {
        for _ in 0..slots {
            let id = submit(&client, base, &token, language, source).await?;
            wait(base, &token, &id).await?;
        }
    }

    let started = Instant::now();
    let mut ids = Vec::with_capacity(burst);
    for _ in 0..burst {
        ids.push(submit(&client, base, &token, "python3", APLUSB_PY).await?);
    }
    futures::future::try_join_all(ids.iter().map(|id| wait(base, &token, id))).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let burst_per_s = burst as f64 / elapsed;
    println!(
        "{:<52} {:>9.2} /s  ({burst} in {elapsed:.1} s)",
        format!("throughput, {burst} Python submissions at once"),
        burst_per_s
    );

    let mut p50 = Vec::new();
    for (language, source) in [("python3", APLUSB_PY), ("cpp", APLUSB_CPP)] {
        let label = format!("submit → verdict, {language}, one at a time, p50");
        let judged = latency_row(&label, samples, || async {
            let id = submit(&client, base, &token, language, source).await?;
            wait(base, &token, &id).await
        })
        .await?;
        p50.push(judged);
    }
    let label = "playground run → result, python3, one at a time, p50";
    let run_p50_ms = latency_row(label, samples, || {
        run(&client, base, &token, "python3", APLUSB_PY)
    })
    .await?;
    if leaderboard {
        leaderboard_row(&client, base, &db).await?;
    }
    Ok(Figures {
        burst_per_s,
        python_p50_ms: p50.first().copied().unwrap_or(0.0),
        cpp_p50_ms: p50.get(1).copied().unwrap_or(0.0),
        run_p50_ms,
    })
}

/// Times `once` `samples` times, one at a time, and prints the p50 and p99 under `label`;
/// answers the p50 in ms. Each sample comes 300 ms after the last, as one arriving on its own
/// would: the warm pool refilled.
async fn latency_row<F, Fut>(label: &str, samples: usize, mut once: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        once().await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let p50 = percentile(&latencies, 0.5);
    println!(
        "{label:<52} {p50:>9.0} ms  (p99 {:.0} ms, {samples} runs)",
        percentile(&latencies, 0.99)
    );
    Ok(p50)
}

async fn leaderboard_row(client: &reqwest::Client, base: &str, db: &sqlx::PgPool) -> anyhow::Result<()> {
    let submissions = fill_history(db).await?;
    let mut timings = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/leaderboard?limit=100"))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "leaderboard answered {}",
            response.status()
        );
        response.bytes().await?;
        timings.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    timings.sort_by(f64::total_cmp);
    println!(
        "{:<52} {:>9.1} ms  (p99 {:.1} ms)",
        format!("GET /api/v1/leaderboard, top 100, {submissions} submissions, p50"),
        percentile(&timings, 0.5),
        percentile(&timings, 0.99)
    );
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(0.0)
}

async fn import_aplusb(
    db: &sqlx::PgPool,
    storage: &StorageConfig,
    config: &ServeConfig,
) -> anyhow::Result<()> {
    let store = crate::storage::open(storage).await?;
    let options = ImportOptions {
        publish: true,
        ..ImportOptions::default()
    };
    import::import_dir(
        db,
        &store,
        &config.problems,
        std::path::Path::new("problems/aplusb"),
        options,
    )
    .await
    .context("cannot import problems/aplusb (run from the repository root)")?;
    Ok(())
}

/// Adds 100 000 judged submissions by 2 000 users over 20 problems, with their stats made the
/// way the workers make them, so the leaderboard has a realistic history behind it.
async fn fill_history(db: &sqlx::PgPool) -> anyhow::Result<i64> {
    let statements = [
        "INSERT INTO problems (slug, title, time_limit_ms, memory_mb, output_mb, published)
         SELECT 'bench-' || n, 'Bench ' || n, 1000, 256, 8, true FROM generate_series(1, 20) n",
        "INSERT INTO users (email, display_name) SELECT 'bench' || n || '@coderank.local', 'user ' || n
         FROM generate_series(1, 2000) n",
        "CREATE TEMP TABLE bench_subs AS
         SELECT gen_random_uuid() AS id, gen_random_uuid() AS judging, u.id AS user_id, p.id AS problem_id,
                now() - (random() * interval '30 days') AS created_at,
                CASE WHEN random() < 0.3 THEN 'AC' ELSE 'WA' END AS verdict
         FROM (SELECT id, row_number() OVER () AS k FROM users WHERE email LIKE 'bench%@coderank.local') u
         CROSS JOIN LATERAL generate_series(1, 50) s
         JOIN LATERAL (SELECT id FROM problems WHERE slug LIKE 'bench-%' ORDER BY random() + s * 0 + u.k * 0 LIMIT 1) p ON true",
        "INSERT INTO submissions (id, user_id, problem_id, language, source, created_at)
         SELECT id, user_id, problem_id, 'python3', 'print(1)', created_at FROM bench_subs",
        "INSERT INTO judgings (id, submission_id, reason, status, verdict, time_ms, memory_kb, finished_at)
         SELECT judging, id, 'submit', 'finished', verdict, 10, 1000, created_at FROM bench_subs",
        "UPDATE submissions s SET current_judging_id = b.judging FROM bench_subs b WHERE b.id = s.id",
        "INSERT INTO user_problem_stats (user_id, problem_id, attempts, solved_at)
         SELECT user_id, problem_id, count(*), min(created_at) FILTER (WHERE verdict = 'AC')
         FROM bench_subs GROUP BY user_id, problem_id",
        "INSERT INTO user_stats (user_id, solved, attempts, reached_at)
         SELECT user_id, count(solved_at), sum(attempts), max(solved_at) FROM user_problem_stats
         GROUP BY user_id ON CONFLICT (user_id) DO UPDATE
         SET solved = EXCLUDED.solved, attempts = EXCLUDED.attempts, reached_at = EXCLUDED.reached_at",
        "ANALYZE submissions, judgings, user_problem_stats, user_stats, users, problems",
    ];
    let mut connection = db.acquire().await?;
    for statement in statements {
        sqlx::query(statement).execute(&mut *connection).await?;
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
        .fetch_one(&mut *connection)
        .await?;
    Ok(count)
}
