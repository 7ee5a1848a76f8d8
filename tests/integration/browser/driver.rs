//! The browser the tests drive: a chromedriver child process and a WebDriver session through
//! it, with the page actions the tests share (sign in, submit, wait for a verdict, screenshot).

use super::*;

/// A chromedriver child process and a browser session through it; the process is killed on
/// drop, so a failed test leaves nothing running.
pub(super) struct Browser {
    pub(super) client: Client,
    pub(super) app: String,
    chromedriver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl Browser {
    /// A browser on `app`; `dark` makes it prefer a dark color scheme.
    pub(super) async fn open(app: &TestApp, dark: bool) -> Self {
        let port = free_port();
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ];
        if dark {
            args.push("--force-dark-mode");
        }
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver: install chromium and chromium-driver (scripts/bootstrap does)");
        let webdriver = format!("http://127.0.0.1:{port}");
        let status = format!("{webdriver}/status");
        let ready = eventually(PAGE_TIMEOUT, || {
            let status = status.clone();
            async move {
                reqwest::get(&status)
                    .await
                    .is_ok_and(|response| response.status().is_success())
            }
        })
        .await;
        assert!(ready, "chromedriver did not answer on port {port}");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": args,
            }),
        );
        // Plain HTTP to the local chromedriver: no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .expect("a Chromium session");
        client.set_window_size(1280, 900).await.expect("window size");
        Self {
            client,
            app: app.url(""),
            chromedriver,
        }
    }

    pub(super) async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.app))
            .await
            .expect("navigate");
    }

    /// Waits until `script` (a JS expression) is true on the page; fails with the page's text.
    pub(super) async fn until(&self, what: &str, script: &str, timeout: Duration) {
        let code = format!("return Boolean({script});");
        let met = eventually(timeout, || {
            let code = code.clone();
            async move {
                self.client
                    .execute(&code, Vec::new())
                    .await
                    .is_ok_and(|value| value == Value::Bool(true))
            }
        })
        .await;
        if !met {
            let url = self
                .client
                .current_url()
                .await
                .map(|url| url.to_string())
                .unwrap_or_default();
            let text = self
                .client
                .execute("return document.body ? document.body.innerText : ''", Vec::new())
                .await
                .unwrap_or_default();
            panic!(
                "timed out waiting for {what} at {url}; the page says:\n{}",
                text.as_str().unwrap_or_default()
            );
        }
    }

    pub(super) async fn text(&self, script: &str) -> String {
        self.client
            .execute(&format!("return String({script});"), Vec::new())
            .await
            .expect("run a script")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub(super) async fn fill(&self, selector: &str, text: &str) {
        let field = self.client.find(Locator::Css(selector)).await.expect(selector);
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub(super) async fn click(&self, selector: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .expect(selector)
            .click()
            .await
            .expect("click");
    }

    pub(super) async fn sign_in(&self, email: &str, landing: &str) {
        self.goto(&format!("/signin?redirect={landing}")).await;
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        self.click("#signin-submit").await;
        self.until(
            "the signed-in page",
            &format!("location.pathname === '{landing}' && document.getElementById('nav-user')"),
            PAGE_TIMEOUT,
        )
        .await;
    }

    pub(super) async fn sign_out(&self) {
        self.click("#signout").await;
        self.until(
            "signed out",
            "document.getElementById('nav-signin')",
            PAGE_TIMEOUT,
        )
        .await;
    }

    pub(super) async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("create docs/screenshots");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("save a screenshot");
    }

    /// On a problem page: picks the language, types the source and submits; answers the new
    /// submission's id once its page is open.
    pub(super) async fn submit(&self, language: &str, source: &str) -> String {
        self.client
            .find(Locator::Css("#language"))
            .await
            .expect("the language picker")
            .select_by_value(language)
            .await
            .expect("pick a language");
        self.client
            .execute(
                "window.coderankEditor.setValue(arguments[0]);",
                vec![json!(source)],
            )
            .await
            .expect("type the source");
        self.click("#submit-button").await;
        self.until(
            "the submission page",
            "location.pathname.startsWith('/submissions/') && document.getElementById('verdict')",
            PAGE_TIMEOUT,
        )
        .await;
        // Set on this page load: still there later means the page was never reloaded.
        self.client
            .execute("window.notReloaded = true;", Vec::new())
            .await
            .expect("mark the page");
        self.text("document.getElementById('submission').dataset.id")
            .await
    }

    pub(super) async fn wait_for_verdict(&self, verdict: &str) {
        self.until(
            &format!("the verdict {verdict}"),
            &format!("document.getElementById('verdict').textContent.trim() === '{verdict}'"),
            VERDICT_TIMEOUT,
        )
        .await;
        assert_eq!(
            self.text("window.notReloaded === true").await,
            "true",
            "the page reloaded"
        );
    }

    pub(super) async fn close(mut self) {
        let client = self.client.clone();
        client.close().await.expect("close the browser");
        let _ = self.chromedriver.kill();
    }
}
