//! Callbacks: the finished submission sent to the `callback_url` its request named, as Judge0
//! does (a `PUT` of the submission's JSON), signed, and retried while the receiver fails.
//!
//! The body is signed with HMAC-SHA256 under the configured secret
//! (`CODERANK_JUDGE0_CALLBACK_SECRET`): the header `X-CodeRank-Signature: sha256=<hex>` lets
//! the receiver check that the body comes from this CodeRank and was not altered. Answers of 5xx
//! and network failures are retried, waiting 1 s, 2 s, 4 s, … between attempts, up to a number
//! of attempts and within a deadline; any other answer ends the delivery.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::time::Instant;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-CodeRank-Signature";

/// How a callback is delivered.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The key of the signature; `None`: unsigned.
    pub secret: Option<Vec<u8>>,
    /// Most attempts, the first included.
    pub max_tries: u32,
    /// The wait before the first retry; doubled at each retry.
    pub first_backoff: Duration,
    /// No attempt starts after this long from the first.
    pub deadline: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver answered this status (not 5xx) at this attempt.
    Answered { status: u16, attempts: u32 },
    /// Every attempt failed (5xx or network), or the deadline passed.
    GaveUp { attempts: u32, last_error: String },
}

/// `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// Sends `body` to `url` with `PUT`, retrying 5xx answers and network failures.
pub async fn deliver(client: &reqwest::Client, url: &str, body: Vec<u8>, delivery: &Delivery) -> Delivered {
    let started = Instant::now();
    let mut backoff = delivery.first_backoff;
    let mut attempts = 0;
    let mut last_error = String::from("no attempt was made");
    while attempts < delivery.max_tries.max(1) {
        attempts += 1;
        let mut request = client
            .put(url)
            .timeout(delivery.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone());
        if let Some(secret) = &delivery.secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, &body));
        }
        match request.send().await {
            Ok(response) if !response.status().is_server_error() => {
                return Delivered::Answered {
                    status: response.status().as_u16(),
                    attempts,
                }
            }
            Ok(response) => last_error = format!("the receiver answered {}", response.status()),
            Err(err) => last_error = format!("cannot reach the receiver: {err}"),
        }
        if attempts >= delivery.max_tries || started.elapsed() + backoff > delivery.deadline {
            break;
        }
        tracing::debug!(attempts, url, error = %last_error, "a callback failed; will retry");
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2);
    }
    Delivered::GaveUp { attempts, last_error }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_signature_is_hmac_sha256_as_rfc_4231_has_it() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
