//! Callbacks: the finished submission sent to the `callback_url` its request named, as Judge0
//! does (a `PUT` of the submission's JSON), signed, and retried while the receiver fails.
//!
//! The body is signed with HMAC-SHA256 under the configured secret
//! (`CODERANK_JUDGE0_CALLBACK_SECRET`): the header `X-CodeRank-Signature: sha256=<hex>` lets
//! the receiver check that the body comes from this CodeRank and was not altered. Answers of 5xx
//! and network failures are retried, waiting 1 s, 2 s, 4 s, … between attempts, up to a number
//! of attempts and within a deadline; any other answer ends the delivery.
//!
//! A callback goes only where [`Reach`] permits: public addresses, and the networks the operator
//! allowed (`CODERANK_JUDGE0_CALLBACK_ALLOW`), so that an API user cannot make this host call
//! its own loopback services, the private network behind it, or a cloud's metadata address.
//! The check is made on the addresses the connection really uses (a resolver that drops the
//! others, so a name that resolves differently later gains nothing), on addresses written in
//! the URL, and no redirect or proxy is followed.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use hmac::{Hmac, Mac};
use ipnet::IpNet;
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
    /// Where it may go.
    pub reach: Reach,
    /// The client it is sent with: `reach.client()`, made once.
    pub client: reqwest::Client,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver answered this status (not 5xx) at this attempt.
    Answered { status: u16, attempts: u32 },
    /// Every attempt failed (5xx or network), or the deadline passed.
    GaveUp { attempts: u32, last_error: String },
}

/// Where callbacks may connect: public addresses, and the networks an operator allowed.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    allowed: Arc<[IpNet]>,
}

impl Reach {
    pub fn new(allowed: &[IpNet]) -> Self {
        Self {
            allowed: allowed.into(),
        }
    }

    /// Whether a callback may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.allowed.iter().any(|network| network.contains(&ip))
    }

    /// Why `url` may not be called back, when it names an address (not a host name) that is
    /// not permitted. Host names are checked each time they are resolved.
    pub fn refuses(&self, url: &url::Url) -> Option<String> {
        let ip = match url.host()? {
            url::Host::Ipv4(ip) => IpAddr::V4(ip),
            url::Host::Ipv6(ip) => IpAddr::V6(ip),
            url::Host::Domain(_) => return None,
        };
        (!self.permits(ip)).then(|| format!("{ip} is not a public address"))
    }

    /// The addresses of `host` (a name) that a callback may connect to, with `port`.
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        let found = tokio::net::lookup_host((host, port)).await?;
        Ok(found.filter(|address| self.permits(address.ip())).collect())
    }

    /// The HTTP client of callbacks: it connects only to permitted addresses, follows no
    /// redirect and uses no proxy (either would connect somewhere unchecked).
    pub fn client(&self) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .dns_resolver(Arc::new(PermittedOnly(self.clone())))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
    }
}

/// Resolves host names with the system's resolver and keeps the permitted addresses only.
struct PermittedOnly(Reach);

impl reqwest::dns::Resolve for PermittedOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let permitted = reach.resolve(&host, 0).await?;
            if permitted.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(permitted.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is reachable on the public internet: not loopback, private, link-local,
/// shared (carrier NAT), documentation, benchmarking, multicast, reserved or unspecified. An
/// IPv6 address that embeds an IPv4 one (mapped, NAT64) is judged by that one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => {
            let segments = ip.segments();
            let embedded = (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2..6] == [0; 4])
                .then(|| {
                    let octets = ip.octets();
                    Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15])
                })
                .or_else(|| ip.to_ipv4_mapped());
            if let Some(ip) = embedded {
                return is_public_v4(ip);
            }
            !(ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_multicast()
                // IPv4-compatible (deprecated), unique local, link-local, documentation.
                || segments[0..6] == [0; 6]
                || segments[0] & 0xfe00 == 0xfc00
                || segments[0] & 0xffc0 == 0xfe80
                || (segments[0] == 0x2001 && segments[1] == 0x0db8))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Shared address space (carrier NAT), IETF protocol assignments, benchmarking,
        // reserved.
        || (a == 100 && b & 0xc0 == 64)
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && b & 0xfe == 18)
        || a >= 240)
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

/// Sends `body` to `url` with `PUT`, retrying 5xx answers and network failures. A URL whose
/// address is not permitted, or whose host resolves to no permitted address, is given up at
/// once: trying again would not change it.
pub async fn deliver(url: &str, body: Vec<u8>, delivery: &Delivery) -> Delivered {
    let refused = |why: String| Delivered::GaveUp {
        attempts: 0,
        last_error: why,
    };
    let parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(err) => return refused(format!("not a URL: {err}")),
    };
    if let Some(why) = delivery.reach.refuses(&parsed) {
        return refused(why);
    }
    if let Some(url::Host::Domain(host)) = parsed.host() {
        let port = parsed.port_or_known_default().unwrap_or(80);
        // An error may be the resolver hiccuping: the attempts below find out.
        if delivery
            .reach
            .resolve(host, port)
            .await
            .is_ok_and(|found| found.is_empty())
        {
            return refused(format!("{host} has no public address"));
        }
    }
    let client = &delivery.client;
    let started = Instant::now();
    let mut backoff = delivery.first_backoff;
    let mut attempts = 0;
    let mut last_error = String::from("no attempt was made");
    while attempts < delivery.max_tries.max(1) {
        attempts += 1;
        let mut request = client
            .put(parsed.clone())
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
    use std::net::IpAddr;

    use super::{is_public, signature, Reach};

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn only_public_addresses_are_public() {
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "100.128.0.1",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(public)), "{public}");
        }
        for not_public in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip(not_public)), "{not_public}");
        }
    }

    #[test]
    fn allowed_networks_are_reachable_and_literal_addresses_are_checked() {
        let reach = Reach::new(&[
            "10.1.0.0/16".parse().expect("net"),
            "127.0.0.1/32".parse().expect("net"),
        ]);
        assert!(reach.permits(ip("10.1.200.3")));
        assert!(reach.permits(ip("127.0.0.1")));
        assert!(!reach.permits(ip("10.2.0.1")));
        assert!(!reach.permits(ip("127.0.0.2")));
        let url = |text: &str| url::Url::parse(text).expect("url");
        let closed = Reach::default();
        assert!(closed
            .refuses(&url("http://169.254.169.254/latest/meta-data"))
            .is_some());
        assert!(closed.refuses(&url("http://[::1]:8080/hook")).is_some());
        assert!(closed.refuses(&url("http://1.1.1.1/hook")).is_none());
        assert!(
            closed.refuses(&url("https://hooks.example.org/x")).is_none(),
            "names are checked when resolved"
        );
        assert!(reach.refuses(&url("http://127.0.0.1:9/hook")).is_none());
    }

    #[test]
    fn the_signature_is_hmac_sha256_as_rfc_4231_has_it() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
