//! What a test stands outside CodeRank with: a TCP proxy that cuts a dependency off and
//! restores it, and `coderank serve` run as its own process (to be killed with SIGKILL).

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use tokio::{net::TcpListener, task::AbortHandle};

use super::{eventually, services};

/// A TCP proxy in front of a real service that a test can cut off and restore, to see how
/// CodeRank behaves when a dependency goes away and comes back.
pub struct Proxy {
    pub address: SocketAddr,
    open: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let open = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (accept_open, accept_connections) = (Arc::clone(&open), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_open.load(Ordering::SeqCst) {
                    drop(inbound); // refused: the "service" is down
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accept_connections.lock().expect("lock").push(task.abort_handle());
            }
        });
        Self {
            address,
            open,
            connections,
        }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }

    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// A `coderank serve` process on a free port, killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    /// SIGKILL, as a crash or an OOM kill would end it, and reaped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Registers a local account on this process; the token response.
    pub async fn register(&self, email: &str, password: &str) -> serde_json::Value {
        let name = email.split('@').next().unwrap_or(email);
        reqwest::Client::new()
            .post(format!("{}/api/v1/auth/register", self.base))
            .json(&serde_json::json!({ "email": email, "password": password, "display_name": name }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("JSON")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

pub async fn serve_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let services = services();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("S3_ENDPOINT", &services.s3_endpoint)
        .env("CODERANK_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start coderank serve");
    let server = ServerProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let up = eventually(Duration::from_secs(30), || {
        let request = client.get(format!("{}/healthz", server.base)).send();
        async move { request.await.is_ok_and(|response| response.status() == 200) }
    })
    .await;
    assert!(up, "coderank serve did not come up on port {port}");
    server
}
