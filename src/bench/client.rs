//! The benchmark's client side: an account, submissions and playground runs over the HTTP API,
//! and waiting for their results as a user's page would.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

/// The longest a benchmark submission or run may take to be judged.
const WAIT_TIME: Duration = Duration::from_secs(300);

pub async fn register(client: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let body = json!({ "email": email, "password": "bench password", "display_name": "bench" });
    let response = post(client.post(format!("{base}/api/v1/auth/register")), &body).await?;
    response["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

pub async fn submit(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    language: &str,
    source: &str,
) -> anyhow::Result<String> {
    let body = json!({ "problem": "aplusb", "language": language, "source": source });
    let response = post(
        client
            .post(format!("{base}/api/v1/submissions"))
            .bearer_auth(token),
        &body,
    )
    .await?;
    response["id"]
        .as_str()
        .map(str::to_owned)
        .context("no submission id")
}

/// Runs `source` on `1 2` in the playground, as a client of `POST /api/v1/runs` does: the
/// answer comes when the run is done (200), or the run is polled (202).
pub async fn run(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    language: &str,
    source: &str,
) -> anyhow::Result<()> {
    let body = json!({ "language": language, "source": source, "stdin": "1 2\n" });
    let answered = post(
        client.post(format!("{base}/api/v1/runs")).bearer_auth(token),
        &body,
    )
    .await?;
    let run = match answered["status"] == "finished" {
        true => answered,
        false => {
            let id = answered["id"].as_str().context("no run id")?;
            until_finished(client, token, &format!("{base}/api/v1/runs/{id}")).await?
        }
    };
    anyhow::ensure!(
        run["result"]["stdout"] == "3\n",
        "a benchmark run answered {}",
        run["result"]
    );
    Ok(())
}

/// Waits for the verdict of submission `id`, which must be AC, as a contestant's page does: on
/// the submission's WebSocket, which sends its state at once and again at every change. (It
/// polled `GET /api/v1/submissions/{id}` every 10 ms before: in a burst, that polling was a
/// load of its own on the API and PostgreSQL, on the CPUs that judge.)
pub async fn wait(base: &str, token: &str, id: &str) -> anyhow::Result<()> {
    let url = format!("{}/api/v1/submissions/{id}/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    let watching = async {
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
        while let Some(message) = socket.next().await {
            if let Message::Text(text) = message? {
                let submission: Value = serde_json::from_str(text.as_str())?;
                if submission["status"] == "finished" {
                    return Ok(submission);
                }
            }
        }
        anyhow::bail!("the WebSocket of submission {id} closed before its verdict")
    };
    let submission = tokio::time::timeout(WAIT_TIME, watching)
        .await
        .with_context(|| format!("submission {id} not judged in {} s", WAIT_TIME.as_secs()))??;
    anyhow::ensure!(
        submission["verdict"] == "AC",
        "a benchmark submission was judged {}",
        submission["verdict"]
    );
    Ok(())
}

/// Sends `request` with the JSON `body`; answers the JSON of a 2xx response.
async fn post(request: reqwest::RequestBuilder, body: &Value) -> anyhow::Result<Value> {
    Ok(request
        .json(body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// Gets `url` every 10 ms until what it answers is `finished`, for at most [`WAIT_TIME`];
/// answers that.
async fn until_finished(client: &reqwest::Client, token: &str, url: &str) -> anyhow::Result<Value> {
    let deadline = Instant::now() + WAIT_TIME;
    loop {
        let answer: Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if answer["status"] == "finished" {
            return Ok(answer);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{url} not finished in {} s",
            WAIT_TIME.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
