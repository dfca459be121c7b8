//! Short links through the real platform: the short form of a client link
//! redirects to it, counts and logs the client's opens (not link-preview
//! robots'), and stops working when the link expires, is renewed, or the
//! call ends. See docs/short-links.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vc_testkit::Platform;

/// Codes are drawn from base62 without `0 O o 1 l I`.
const ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/124.0.0.0 Mobile Safari/537.36";
const TELEGRAM_PREVIEW: &str = "TelegramBot (like TwitterBot)";

struct Desk {
    p: Platform,
    admin: String,
    agent: String,
    other_agent: String,
    supervisor: String,
    /// Does not follow redirects: the tests look at the 302 itself.
    http: reqwest::Client,
}

async fn desk(env: &[(&str, &str)]) -> Desk {
    let p = Platform::start(env).await;
    let admin = p.admin_token().await;
    let agent_id = p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent2_id = p.create_user(&admin, "agent2", "agent-pass-2", "agent").await;
    let super_id = p.create_user(&admin, "super1", "super-pass-1", "supervisor").await;
    // The supervisor oversees both agents' team.
    p.api().team(&admin, "Desk", &[&agent_id, &agent2_id], &[&super_id]).await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let other_agent = p.api().tokens("agent2", "agent-pass-2").await.0;
    let supervisor = p.api().tokens("super1", "super-pass-1").await.0;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Desk { p, admin, agent, other_agent, supervisor, http }
}

/// An answer of `/s/{code}`: status, headers, body text.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn assert_page(&self, status: u16, texts: &[&str]) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header("content-type"), "text/html; charset=utf-8");
        assert_eq!(self.header("cache-control"), "no-store");
        assert!(self.body.contains(r#"<meta name="viewport""#), "{}", self.body);
        for t in texts {
            assert!(self.body.contains(t), "no `{t}` in {}", self.body);
        }
        for external in ["<script", "src=", "href="] {
            assert!(!self.body.contains(external), "{external} in {}", self.body);
        }
    }
}

impl Desk {
    async fn create(&self) -> Value {
        let body = json!({"video_mode": "two_way", "client_phone": "+79161234567"});
        let r = self.p.api().post("/api/interactions", Some(&self.agent), &body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    /// `GET` (or `HEAD`) a URL with a User-Agent and optional extra headers.
    async fn open(&self, method: &str, url: &str, ua: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = match method {
            "HEAD" => self.http.head(url),
            _ => self.http.get(url),
        };
        req = req.header("user-agent", ua);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        Answer { status, headers, body }
    }

    /// Opens a short link the way a phone's browser does; asserts the redirect.
    async fn open_expecting_redirect(&self, short_url: &str, target: &str, headers: &[(&str, &str)]) {
        let a = self.open("GET", short_url, PHONE, headers).await;
        assert_eq!(a.status, 302, "{}", a.body);
        assert_eq!(a.header("location"), target);
    }

    async fn interaction(&self, id: &str) -> Value {
        let r = self.p.api().get(&format!("/api/interactions/{id}"), Some(&self.agent)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    async fn opens(&self, id: &str, token: &str) -> vc_testkit::Reply {
        self.p.api().get(&format!("/api/interactions/{id}/link-opens"), Some(token)).await.unwrap()
    }

    /// Polls until the short link answers `status` (bus events take a moment).
    async fn until_status(&self, url: &str, status: u16) -> Answer {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let a = self.open("GET", url, PHONE, &[]).await;
            if a.status == status || Instant::now() > deadline {
                return a;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn event_types(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["event"]["type"].as_str().unwrap().to_owned()).collect()
}

/// The code of `<base>/s/<code>`, checked for its form.
fn code_of<'a>(short_url: &'a str, base: &str) -> &'a str {
    let code = short_url
        .strip_prefix(&format!("{base}/s/"))
        .unwrap_or_else(|| panic!("{short_url} is not {base}/s/<code>"));
    assert!(code.len() >= 8, "{code}: at least 8 characters");
    assert!(code.chars().all(|c| ALPHABET.contains(c)), "{code}: outside the alphabet");
    code
}

fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no {series} in the metrics"))
}

#[tokio::test]
async fn a_short_link_redirects_and_logs_the_clients_opens() {
    // Loopback is the proxy here, so X-Forwarded-For names the client.
    let d = desk(&[("VC_HTTP__TRUSTED_PROXIES", "127.0.0.1")]).await;
    let api = d.p.api();
    let created = d.create().await;
    let id = created["id"].as_str().unwrap();
    let client_url = created["client_url"].as_str().unwrap();
    let short_url = created["short_url"].as_str().unwrap();
    code_of(short_url, &api.base);
    assert_eq!(created["status"], "created");

    // HEAD answers like GET but is not an open.
    let head = d.open("HEAD", short_url, PHONE, &[]).await;
    assert_eq!((head.status, head.header("location")), (302, client_url));
    assert!(head.body.is_empty());

    // A messenger's preview robot is redirected, logged apart, not counted.
    let preview = d.open("GET", short_url, TELEGRAM_PREVIEW, &[]).await;
    assert_eq!((preview.status, preview.header("location")), (302, client_url));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(d.interaction(id).await["status"], "created", "a preview is not the client");
    let log = d.opens(id, &d.agent).await;
    assert_eq!((log.status, &log.body), (200, &json!({"opens": []})));

    // The client's phone.
    let a = d.open("GET", short_url, PHONE, &[("x-forwarded-for", "203.0.113.7")]).await;
    assert_eq!((a.status, a.header("location")), (302, client_url));
    assert_eq!(a.header("cache-control"), "no-store");
    assert_eq!(a.header("referrer-policy"), "no-referrer");

    // vc-server hears of it: created -> waiting, with a link_opened event.
    let deadline = Instant::now() + Duration::from_secs(5);
    let got = loop {
        let got = d.interaction(id).await;
        if got["status"] == "waiting" || Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(got["status"], "waiting", "{got}");
    assert!(event_types(&got).contains(&"link_opened".to_owned()), "{got}");

    // Two more opens: the same address hashes the same, another differently.
    d.open_expecting_redirect(short_url, client_url, &[("x-forwarded-for", "203.0.113.7")]).await;
    d.open_expecting_redirect(short_url, client_url, &[("x-forwarded-for", "198.51.100.20")]).await;

    let log = d.opens(id, &d.agent).await;
    assert_eq!(log.status, 200, "{:?}", log.body);
    let text = log.body.to_string();
    assert!(!text.contains("203.0.113.7") && !text.contains("198.51.100.20"), "no address is kept: {text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
    let opens = log.body["opens"].as_array().unwrap();
    assert_eq!(opens.len(), 3, "the client's opens only: {text}");
    for o in opens {
        assert_eq!(o.as_object().unwrap().len(), 3, "at, user_agent, ip_hash: {o}");
        assert_eq!(o["user_agent"], PHONE);
        let hash = o["ip_hash"].as_str().unwrap();
        assert!(hash.len() >= 32 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    }
    assert_eq!(opens[0]["ip_hash"], opens[1]["ip_hash"]);
    assert_ne!(opens[0]["ip_hash"], opens[2]["ip_hash"]);
    let times: Vec<&str> = opens.iter().map(|o| o["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by_key(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap());
    assert_eq!(times, sorted, "oldest first");

    // Supervisors and admins may read it too.
    for token in [&d.supervisor, &d.admin] {
        assert_eq!(d.opens(id, token).await.body["opens"].as_array().unwrap().len(), 3);
    }

    let metrics = api.get("/metrics", None).await.unwrap();
    let text = metrics.body.as_str().unwrap();
    assert_eq!(metric(text, r#"vc_surl_redirects_total{outcome="redirect"}"#), 5, "HEAD, preview, 3 opens");
    assert_eq!(metric(text, r#"vc_surl_link_opens_total{kind="client"}"#), 3);
    assert_eq!(metric(text, r#"vc_surl_link_opens_total{kind="preview"}"#), 1);
}

#[tokio::test]
async fn unknown_codes_get_a_404_page_in_both_languages() {
    let d = desk(&[]).await;
    let base = &d.p.api().base;

    let a = d.open("GET", &format!("{base}/s/ZZZZZZZZZZZZ"), PHONE, &[]).await;
    a.assert_page(404, &["Ссылка не найдена", "Link not found"]);
    assert!(a.body.find("Ссылка не найдена").unwrap() < a.body.find("Link not found").unwrap());
    let head = d.open("HEAD", &format!("{base}/s/ZZZZZZZZZZZZ"), PHONE, &[]).await;
    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());

    // English first for a browser that prefers it.
    let a = d
        .open("GET", &format!("{base}/s/ZZZZZZZZZZZZ"), PHONE, &[("accept-language", "en-US,en;q=0.9")])
        .await;
    a.assert_page(404, &["Link not found", "Ссылка не найдена"]);
    assert!(a.body.find("Link not found").unwrap() < a.body.find("Ссылка не найдена").unwrap());

    // Malformed codes: the same page, nothing of the request in it.
    for path in ["/s/abc", "/s/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/s/0OoIl1xxxxxx", "/s/%22onload%3D1"] {
        let a = d.open("GET", &format!("{base}{path}"), PHONE, &[]).await;
        a.assert_page(404, &["Link not found"]);
        for echoed in ["alert", "onload", "0OoIl1"] {
            assert!(!a.body.contains(echoed), "{path} echoed: {}", a.body);
        }
    }

    let metrics = d.p.api().get("/metrics", None).await.unwrap();
    assert_eq!(metric(metrics.body.as_str().unwrap(), r#"vc_surl_redirects_total{outcome="not_found"}"#), 7);

    // Both endpoints are in the API description.
    let api = d.p.api().get("/api/openapi.json", None).await.unwrap();
    let s = &api.body["paths"]["/s/{code}"];
    for status in ["302", "404", "410"] {
        assert!(s["get"]["responses"][status].is_object(), "{status}: {s}");
        assert!(s["head"]["responses"][status].is_object(), "{status}: {s}");
    }
    assert_ne!(s["get"]["operationId"], s["head"]["operationId"], "operation ids are unique");
    let opens = &api.body["paths"]["/api/interactions/{id}/link-opens"]["get"];
    assert!(opens["responses"]["200"].is_object(), "{opens}");
    assert_eq!(opens["security"][0]["bearer"], json!([]), "{opens}");
}

#[tokio::test]
async fn ending_the_call_closes_its_short_link() {
    let d = desk(&[]).await;
    let created = d.create().await;
    let id = created["id"].as_str().unwrap();
    let short_url = created["short_url"].as_str().unwrap();
    code_of(short_url, &d.p.api().base);
    d.open_expecting_redirect(short_url, created["client_url"].as_str().unwrap(), &[]).await;

    let r = d.p.api().post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let a = d.until_status(short_url, 410).await;
    a.assert_page(410, &["Звонок уже завершён", "The call is over"]);
    let head = d.open("HEAD", short_url, PHONE, &[]).await;
    assert_eq!(head.status, 410);

    let metrics = d.p.api().get("/metrics", None).await.unwrap();
    assert!(metric(metrics.body.as_str().unwrap(), r#"vc_surl_redirects_total{outcome="expired"}"#) >= 2);
}

#[tokio::test]
async fn renewing_the_link_replaces_the_short_link() {
    let d = desk(&[]).await;
    let base = d.p.api().base.clone();
    let created = d.create().await;
    let id = created["id"].as_str().unwrap();
    let old = created["short_url"].as_str().unwrap();
    code_of(old, &base);

    let r =
        d.p.api().post(&format!("/api/interactions/{id}/link"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    let new = r.body["short_url"].as_str().unwrap();
    assert_ne!(new, old);
    code_of(new, &base);

    let a = d.open("GET", old, PHONE, &[]).await;
    a.assert_page(410, &["Эта ссылка заменена новой", "This link was replaced"]);
    d.open_expecting_redirect(new, r.body["client_url"].as_str().unwrap(), &[]).await;
}

#[tokio::test]
async fn a_short_link_expires_with_the_client_link() {
    let d = desk(&[("VC_SERVER__LINK_TTL_SECS", "3")]).await;
    let created = d.create().await;
    let short_url = created["short_url"].as_str().unwrap();
    code_of(short_url, &d.p.api().base);
    d.open_expecting_redirect(short_url, created["client_url"].as_str().unwrap(), &[]).await;

    tokio::time::sleep(Duration::from_millis(3500)).await;
    let a = d.open("GET", short_url, PHONE, &[]).await;
    a.assert_page(410, &["Срок действия ссылки истёк", "This link has expired"]);
}

#[tokio::test]
async fn the_open_log_is_for_its_agent_supervisors_and_admins() {
    let d = desk(&[]).await;
    let api = d.p.api();
    let created = d.create().await;
    let id = created["id"].as_str().unwrap();
    d.open_expecting_redirect(
        created["short_url"].as_str().unwrap(),
        created["client_url"].as_str().unwrap(),
        &[],
    )
    .await;

    let r = d.opens(id, &d.other_agent).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = api.get(&format!("/api/interactions/{id}/link-opens"), None).await.unwrap();
    assert_eq!(r.status, 401);
    for token in [&d.agent, &d.supervisor, &d.admin] {
        let r = d.opens(id, token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["opens"].as_array().unwrap().len(), 1);
    }
    // An interaction without short links has no opens.
    let unknown = uuid::Uuid::now_v7();
    let r = d.opens(&unknown.to_string(), &d.agent).await;
    assert_eq!((r.status, &r.body), (200, &json!({"opens": []})));
    let r = d.opens("not-an-id", &d.agent).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_public_base_url_starts_the_short_links() {
    let d = desk(&[("VC_SURL__PUBLIC_BASE_URL", "https://va.example")]).await;
    let created = d.create().await;
    let short_url = created["short_url"].as_str().unwrap();
    let code = code_of(short_url, "https://va.example");
    // The short domain is routed here: the same path works on this port.
    let local = format!("{}/s/{code}", d.p.api().base);
    d.open_expecting_redirect(&local, created["client_url"].as_str().unwrap(), &[]).await;
}
