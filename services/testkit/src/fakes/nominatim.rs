//! `FakeNominatim`: a local stand-in for a Nominatim server's reverse
//! geocoding API (`/reverse`), checked against Nominatim's documentation
//! (nominatim.org/release-docs/latest/api/Reverse/) and the usage policy of
//! the public server (operations.osmfoundation.org/policies/nominatim/).
//!
//! What the fake checks, recording each departure in
//! [`FakeNominatim::violations`] (a test asserts the list is empty):
//!
//! - `GET /reverse` (another method or path is a violation, answered 404
//!   or 405); only the documented parameters, none repeated;
//! - `format` is `json` or `jsonv2` (the platform reads JSON; Nominatim's
//!   default is XML); `lat` and `lon` are decimal degrees in range;
//!   `accept-language` is present and a list of language tags (without it
//!   Nominatim answers in the server's default, not the client's, language);
//!   `zoom` 0..=18, `addressdetails` 0/1, `email` an address, when present;
//! - a `User-Agent` that identifies the application: empty, missing, or a
//!   generic library agent (`reqwest/..`, `python-requests/..`, `curl/..`,
//!   ...) is refused by the policy;
//! - **the rate limit**: the policy allows "an absolute maximum of 1
//!   request per second"; two requests arriving less than
//!   [`FakeNominatim::set_min_interval`] (1 s) apart are a violation.
//!
//! Answers: the nearest configured place within 50 m of the point, in the
//! asked language (else the place's first language, as Nominatim falls
//! back to local names), in the `jsonv2` shape (`category`; `class` for
//! `json`), with `address` when `addressdetails=1`; otherwise HTTP 200
//! `{"error":"Unable to geocode"}`, as Nominatim answers a point with
//! nothing nearby. Malformed requests answer 400 with Nominatim's error
//! object `{"error":{"code":400,"message":...}}`. The public server
//! answers too-fast clients with 429 or a block (*not modelled*: the fake
//! answers normally and records the violation). [`FakeNominatim::fail`]
//! makes it answer 500, [`FakeNominatim::hang`] makes it never answer (in
//! time).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::http::{Decoded, HttpFake, decode_form, json as json_answer, lock, param, text, wait_until};

/// Parameters `/reverse` documents.
const PARAMS: &[&str] = &[
    "lat",
    "lon",
    "format",
    "json_callback",
    "addressdetails",
    "extratags",
    "namedetails",
    "entrances",
    "accept-language",
    "zoom",
    "layer",
    "polygon_geojson",
    "polygon_kml",
    "polygon_svg",
    "polygon_text",
    "polygon_threshold",
    "email",
    "debug",
];

/// Agents of HTTP libraries, not applications (refused by the policy).
const GENERIC_AGENTS: &[&str] = &[
    "reqwest",
    "python-requests",
    "python-urllib",
    "curl",
    "wget",
    "go-http-client",
    "java",
    "okhttp",
    "node-fetch",
    "axios",
    "libwww-perl",
    "hyper",
];

/// How far a configured place answers for.
const RADIUS_M: f64 = 50.0;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct NominatimRequest {
    pub method: String,
    pub path: String,
    pub params: Vec<(String, String)>,
    pub user_agent: Option<String>,
    pub at: DateTime<Utc>,
}

impl NominatimRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }
}

struct Place {
    lat: f64,
    lon: f64,
    /// (language, display_name, address object)
    names: Vec<(String, String, Value)>,
}

struct State {
    places: Vec<Place>,
    failing: bool,
    hanging: bool,
    min_interval: Duration,
    last_at: Option<Instant>,
    requests: Vec<NominatimRequest>,
    violations: Vec<String>,
}

/// The stand-in for Nominatim. Stopped when dropped.
pub struct FakeNominatim {
    server: HttpFake,
    inner: Arc<Mutex<State>>,
}

impl FakeNominatim {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(State {
            places: Vec::new(),
            failing: false,
            hanging: false,
            min_interval: Duration::from_secs(1),
            last_at: None,
            requests: Vec::new(),
            violations: Vec::new(),
        }));
        let handler_inner = inner.clone();
        let server = HttpFake::serve(move |req, body| handle(handler_inner.clone(), req, body)).await;
        Self { server, inner }
    }

    /// The server's base, `http://127.0.0.1:<port>` (the client calls `<base>/reverse`).
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// The address of (lat, lon) in `lang` (`ru`, `en`): `display_name`
    /// and the `address` object (`road`, `house_number`, `city`, ...).
    pub fn add_place(&self, lat: f64, lon: f64, lang: &str, display_name: &str, address: Value) {
        let mut st = lock(&self.inner);
        let entry = (lang.to_owned(), display_name.to_owned(), address);
        match st.places.iter_mut().find(|p| p.lat == lat && p.lon == lon) {
            Some(p) => p.names.push(entry),
            None => st.places.push(Place { lat, lon, names: vec![entry] }),
        }
    }

    /// While set, every request is answered HTTP 500.
    pub fn fail(&self, on: bool) {
        lock(&self.inner).failing = on;
    }

    /// While set, requests are answered only after two minutes.
    pub fn hang(&self, on: bool) {
        lock(&self.inner).hanging = on;
    }

    /// The least time allowed between two requests (default 1 s).
    pub fn set_min_interval(&self, d: Duration) {
        lock(&self.inner).min_interval = d;
    }

    /// Every request, in order.
    pub fn requests(&self) -> Vec<NominatimRequest> {
        lock(&self.inner).requests.clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.inner).requests.len()
    }

    /// Every way a request departed from the API or the usage policy.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.inner).violations.clone()
    }

    /// Panics with the list when any request departed from the API.
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "requests to the Nominatim fake departed from its API:\n{}", v.join("\n"));
    }

    /// Waits until at least `n` requests arrived and returns them all;
    /// panics after `timeout`.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<NominatimRequest> {
        if !wait_until(timeout, || lock(&self.inner).requests.len() >= n).await {
            panic!("Nominatim fake: {} requests within {timeout:?}, wanted {n}", self.request_count());
        }
        self.requests()
    }
}

/// Great-circle distance in metres.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * a.sqrt().asin()
}

fn degrees(v: Option<&str>, name: &str, limit: f64, problems: &mut Vec<String>) -> Option<f64> {
    let Some(raw) = v else {
        problems.push(format!("`{name}` is missing"));
        return None;
    };
    let ok = !raw.is_empty() && raw.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    match raw.parse::<f64>() {
        Ok(x) if ok && x.is_finite() && x.abs() <= limit => Some(x),
        _ => {
            problems.push(format!("`{name}={raw}` is not decimal degrees within ±{limit}"));
            None
        }
    }
}

fn language_list(v: &str) -> bool {
    !v.trim().is_empty()
        && v.split(',').all(|item| {
            let tag = item.split(';').next().unwrap_or("").trim();
            !tag.is_empty() && tag.len() <= 35 && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Problems of the request's User-Agent, if any.
pub fn user_agent_problem(ua: Option<&str>) -> Option<String> {
    let ua = ua.map(str::trim).unwrap_or("");
    if ua.is_empty() {
        return Some("no User-Agent: the usage policy requires one that identifies the application".into());
    }
    let lower = ua.to_ascii_lowercase();
    GENERIC_AGENTS
        .iter()
        .any(|g| lower.starts_with(g))
        .then(|| format!("User-Agent `{ua}` is a library's, not an identification of the application"))
}

async fn handle(inner: Arc<Mutex<State>>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let now = Instant::now();
    let mut decoded = Decoded::default();
    decode_form(req.query_string().as_bytes(), &mut decoded);
    let params = decoded.params;
    let mut v: Vec<String> = decoded.problems;
    let user_agent =
        req.headers().get("user-agent").map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned());
    let method = req.method().as_str().to_owned();
    let path = req.path().to_owned();

    let (answer, hang) = {
        let mut st = lock(&inner);
        st.requests.push(NominatimRequest {
            method: method.clone(),
            path: path.clone(),
            params: params.clone(),
            user_agent: user_agent.clone(),
            at: Utc::now(),
        });
        if let Some(last) = st.last_at {
            let gap = now.duration_since(last);
            if gap < st.min_interval {
                v.push(format!(
                    "rate limit: a request {} ms after the previous one (at most one per {} ms)",
                    gap.as_millis(),
                    st.min_interval.as_millis()
                ));
            }
        }
        st.last_at = Some(now);
        v.extend(user_agent_problem(user_agent.as_deref()));

        let answer = if method != "GET" {
            v.push(format!("HTTP method {method} (the API takes GET)"));
            Some(text(405, "Method not allowed".into()))
        } else if path != "/reverse" {
            v.push(format!("path {path} (the reverse API is /reverse)"));
            Some(text(404, "Not found".into()))
        } else {
            None
        };
        let answer = answer.or_else(|| {
            let mut bad = Vec::new();
            if !body.is_empty() {
                bad.push("a GET request with a body".to_owned());
            }
            check_params(&params, &mut bad);
            if !bad.is_empty() {
                let message = bad.join("; ");
                v.extend(bad);
                return Some(json_answer(400, &json!({"error": {"code": 400, "message": message}})));
            }
            if st.failing {
                return Some(
                    HttpResponse::InternalServerError()
                        .content_type("text/html")
                        .body("<html><body><h1>500 Internal Server Error</h1></body></html>"),
                );
            }
            None
        });
        let answer = answer.unwrap_or_else(|| answer_point(&st, &params));
        let hang = st.hanging;
        st.violations.extend(v);
        (answer, hang)
    };
    if hang {
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    answer
}

fn check_params(params: &[(String, String)], v: &mut Vec<String>) {
    for (i, (k, _)) in params.iter().enumerate() {
        if !PARAMS.contains(&k.as_str()) {
            v.push(format!("unknown parameter `{k}`"));
        }
        if params[..i].iter().any(|(p, _)| p == k) {
            v.push(format!("parameter `{k}` repeated"));
        }
    }
    match param(params, "format") {
        Some("json" | "jsonv2") => {}
        other => v.push(format!("format={other:?}: the platform reads json/jsonv2 (the default is xml)")),
    }
    degrees(param(params, "lat"), "lat", 90.0, v);
    degrees(param(params, "lon"), "lon", 180.0, v);
    match param(params, "accept-language") {
        Some(l) if language_list(l) => {}
        other => v.push(format!("accept-language={other:?}: a list of language tags is needed")),
    }
    if let Some(z) = param(params, "zoom")
        && !z.parse::<u8>().is_ok_and(|z| z <= 18)
    {
        v.push(format!("zoom={z}: an integer 0..18"));
    }
    for flag in ["addressdetails", "extratags", "namedetails"] {
        if let Some(x) = param(params, flag)
            && x != "0"
            && x != "1"
        {
            v.push(format!("{flag}={x}: 0 or 1"));
        }
    }
    if let Some(e) = param(params, "email")
        && (!e.contains('@') || e.contains(char::is_whitespace))
    {
        v.push(format!("email={e}: an e-mail address"));
    }
}

fn answer_point(st: &State, params: &[(String, String)]) -> HttpResponse {
    let lat = param(params, "lat").and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let lon = param(params, "lon").and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let lang =
        param(params, "accept-language").unwrap_or("").split([',', ';', '-']).next().unwrap_or("").trim();
    let nearest = st
        .places
        .iter()
        .map(|p| (distance_m(lat, lon, p.lat, p.lon), p))
        .filter(|(d, _)| *d <= RADIUS_M)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let Some((_, place)) = nearest else {
        return json_answer(200, &json!({"error": "Unable to geocode"}));
    };
    let Some((_, display, address)) =
        place.names.iter().find(|(l, _, _)| l == lang).or_else(|| place.names.first())
    else {
        return json_answer(200, &json!({"error": "Unable to geocode"}));
    };
    let v2 = param(params, "format") == Some("jsonv2");
    let mut body = json!({
        "place_id": 100_000 + st.places.iter().position(|p| std::ptr::eq(p, place)).unwrap_or(0),
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 4_242_424,
        "lat": format!("{:.7}", place.lat),
        "lon": format!("{:.7}", place.lon),
        "type": "house",
        "place_rank": 30,
        "importance": 0.00001,
        "addresstype": "building",
        "name": "",
        "display_name": display,
        "boundingbox": [
            format!("{:.7}", place.lat - 0.0002), format!("{:.7}", place.lat + 0.0002),
            format!("{:.7}", place.lon - 0.0002), format!("{:.7}", place.lon + 0.0002),
        ],
    });
    body[if v2 { "category" } else { "class" }] = json!("building");
    if param(params, "addressdetails") == Some("1") {
        body["address"] = address.clone();
    }
    json_answer(200, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_and_languages() {
        assert!(user_agent_problem(Some("VideoAssist/0.1.0 (self-hosted; +https://va.example)")).is_none());
        assert!(user_agent_problem(Some("reqwest/0.12.28")).is_some());
        assert!(user_agent_problem(Some("python-requests/2.31")).is_some());
        assert!(user_agent_problem(Some(" ")).is_some());
        assert!(user_agent_problem(None).is_some());
        assert!(language_list("ru") && language_list("en-US,en;q=0.8"));
        assert!(!language_list("") && !language_list("r u"));
    }

    #[test]
    fn distances() {
        let d = distance_m(55.751244, 37.618423, 55.751244 + 0.0003, 37.618423);
        assert!((d - 33.4).abs() < 0.5, "{d}");
    }

    #[tokio::test]
    async fn checks_requests_and_answers_like_nominatim() {
        let fake = FakeNominatim::start().await;
        fake.add_place(
            55.751244,
            37.618423,
            "ru",
            "Красная площадь, Москва",
            json!({"road": "Красная площадь"}),
        );
        let http = reqwest::Client::new();
        let get = |ua: &'static str, query: &'static str| {
            let (http, url) = (http.clone(), fake.url());
            async move {
                let r = http.get(format!("{url}{query}")).header("user-agent", ua).send().await.unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            }
        };
        let ok = "/reverse?format=jsonv2&lat=55.7513&lon=37.6185&zoom=18&addressdetails=1&accept-language=ru";
        let (status, body) = get("VideoAssist/0.1.0 (self-hosted)", ok).await;
        assert_eq!(status, 200);
        assert_eq!(body["display_name"], "Красная площадь, Москва");
        assert_eq!(body["address"]["road"], "Красная площадь");
        assert_eq!(body["category"], "building");
        fake.assert_no_violations();

        // Too soon after the first, by a library's agent.
        let far = "/reverse?format=jsonv2&lat=10.0&lon=10.0&accept-language=en";
        let (status, body) = get("reqwest/0.12", far).await;
        assert_eq!((status, body), (200, json!({"error": "Unable to geocode"})));
        let v = fake.violations();
        assert!(v.iter().any(|p| p.starts_with("rate limit")), "{v:?}");
        assert!(v.iter().any(|p| p.contains("reqwest/0.12")), "{v:?}");

        // Out of range, no language: 400 and recorded.
        let (status, body) = get("VideoAssist/0.1.0", "/reverse?format=xml&lat=91&lon=0").await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], 400);
        let v = fake.violations();
        assert!(
            v.iter().any(|p| p.contains("lat=91")) && v.iter().any(|p| p.contains("accept-language")),
            "{v:?}"
        );
        assert_eq!(fake.request_count(), 3);
    }
}
