//! What the HTTP fakes share: an actix-web server on a free loopback port
//! that hands every request to one handler, the parsing of form and query
//! parameters, and a recorder of what the fakes saw.

use std::future::Future;
use std::net::Ipv4Addr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// A running fake HTTP server, stopped when dropped.
pub(crate) struct HttpFake {
    pub port: u16,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl HttpFake {
    /// Binds 127.0.0.1 on a free port and serves every request (any method,
    /// any path) with `handler`, which gets the request and its whole body.
    pub async fn serve<H, F>(handler: H) -> Self
    where
        H: Fn(HttpRequest, web::Bytes) -> F + Clone + Send + 'static,
        F: Future<Output = HttpResponse> + 'static,
    {
        let server = HttpServer::new(move || {
            let handler = handler.clone();
            App::new()
                .app_data(web::PayloadConfig::new(16 << 20))
                .default_service(web::to(move |req: HttpRequest, body: web::Bytes| handler(req, body)))
        })
        .disable_signals()
        .workers(1)
        .shutdown_timeout(0)
        .bind((Ipv4Addr::LOCALHOST, 0))
        .expect("bind a loopback port for a fake");
        let port = server.addrs().first().map(|a| a.port()).expect("a bound address");
        let task = tokio::spawn(server.run());
        Self { port, task }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for HttpFake {
    fn drop(&mut self) {
        // Dropping actix's server future closes the listener and stops the
        // worker (actix-server documents this drop behaviour).
        self.task.abort();
    }
}

/// Locks a fake's state; a panic in another test thread must not hide what
/// this fake recorded.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Polls `cond` until it holds or `timeout` passes; true when it held.
pub(crate) async fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One `name=value` parameter as a client sent it.
pub(crate) type Param = (String, String);

/// Parameters decoded from a query string or a form body, with the problems
/// met on the way (bytes that are not UTF-8, a bad percent escape).
#[derive(Default)]
pub(crate) struct Decoded {
    pub params: Vec<Param>,
    pub problems: Vec<String>,
}

/// Decodes `application/x-www-form-urlencoded` data (also a query string):
/// `+` is a space, `%XX` a byte; the bytes must be UTF-8.
pub(crate) fn decode_form(data: &[u8], into: &mut Decoded) {
    for pair in data.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let name = decode_component(name, into);
        let value = decode_component(value, into);
        into.params.push((name, value));
    }
}

fn decode_component(raw: &[u8], into: &mut Decoded) -> String {
    let plus: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    if plus.windows(3).any(|w| w[0] == b'%' && !(w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit()))
        || plus.ends_with(b"%")
        || (plus.len() >= 2 && plus[plus.len() - 2] == b'%')
    {
        into.problems.push(format!("malformed percent escape in {:?}", String::from_utf8_lossy(raw)));
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            into.problems.push(format!(
                "parameter bytes are not UTF-8 (charset mismatch?): {:?}",
                String::from_utf8_lossy(raw)
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

/// The request's media type (`application/json`), lower case, without
/// parameters such as `charset`.
pub(crate) fn media_type(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get("content-type")?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// The first value of `name` in `params`.
pub(crate) fn param<'a>(params: &'a [Param], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A JSON answer with the given status.
pub(crate) fn json(status: u16, body: &serde_json::Value) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .content_type("application/json")
        .body(body.to_string())
}

/// A plain-text answer.
pub(crate) fn text(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

/// Request headers as (lower-case name, value) pairs.
pub(crate) fn headers(req: &HttpRequest) -> Vec<(String, String)> {
    req.headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms_as_utf8() {
        let mut d = Decoded::default();
        decode_form(
            b"mes=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%D0%BC%D0%B8%D1%80&phones=%2B79990001122&x",
            &mut d,
        );
        assert_eq!(d.params[0], ("mes".into(), "Привет мир".into()));
        assert_eq!(d.params[1], ("phones".into(), "+79990001122".into()));
        assert_eq!(d.params[2], ("x".into(), String::new()));
        assert!(d.problems.is_empty());
    }

    #[test]
    fn flags_windows_1251_bytes() {
        let mut d = Decoded::default();
        decode_form(b"mes=%CF%F0%E8%E2%E5%F2", &mut d);
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
    }
}
