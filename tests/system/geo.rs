//! The client's location through the real platform: the address vc-geo
//! finds with a Nominatim server (a checked stand-in), its cache (also
//! across a restart), the provider's rate limit under concurrent points,
//! a failing provider, and the agent's requests for a location.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::time::Duration;

use serde_json::{Value, json};
use vc_testkit::fakes::FakeNominatim;
use vc_testkit::{JsonSocket, Platform};

const WAIT: Duration = Duration::from_secs(10);

/// Red Square, Moscow.
const KREMLIN: (f64, f64) = (55.751244, 37.618423);
const KREMLIN_RU: &str = "Красная площадь, 1, Тверской район, Москва, 109012, Россия";
const KREMLIN_EN: &str = "Red Square, 1, Tverskoy District, Moscow, 109012, Russia";

struct Call {
    p: Platform,
    agent: String,
    client: String,
    id: String,
}

/// A fake with the Kremlin's address in both languages, and `extra`
/// points (lat, lon) with an address each (`Адрес N`).
async fn nominatim(extra: &[(f64, f64)]) -> FakeNominatim {
    let fake = FakeNominatim::start().await;
    let address = |road: &str, city: &str, country: &str| {
        json!({"road": road, "house_number": "1", "city_district": "Тверской район", "city": city,
               "postcode": "109012", "country": country, "country_code": "ru"})
    };
    fake.add_place(KREMLIN.0, KREMLIN.1, "ru", KREMLIN_RU, address("Красная площадь", "Москва", "Россия"));
    fake.add_place(KREMLIN.0, KREMLIN.1, "en", KREMLIN_EN, address("Red Square", "Moscow", "Russia"));
    for (i, (lat, lon)) in extra.iter().enumerate() {
        fake.add_place(*lat, *lon, "ru", &format!("Адрес {i}"), json!({"village": format!("Село {i}")}));
    }
    fake
}

async fn call(fake: &FakeNominatim, env: &[(&str, &str)]) -> Call {
    let url = fake.url();
    let mut all = vec![("VC_GEO__BASE_URL", url.as_str())];
    all.extend_from_slice(env);
    let p = Platform::start(&all).await;
    let admin = p.admin_token().await;
    p.create_user(&admin, "agent1", "agent-pass-1", "agent").await;
    let agent = p.api().tokens("agent1", "agent-pass-1").await.0;
    let (id, client) = p.joined_call(&agent, &json!({"client_name": "Ivan", "video_mode": "two_way"})).await;
    Call { p, agent, client, id }
}

impl Call {
    async fn connect(&self, token: &str) -> JsonSocket {
        let mut ws = JsonSocket::connect(self.p.api(), &format!("/api/interactions/{}/ws", self.id)).await;
        ws.send(json!({"type": "hello", "token": token})).await;
        let welcome = ws.next(WAIT).await.unwrap();
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws
    }

    async fn interaction(&self) -> Value {
        let r = self.p.api().get(&format!("/api/interactions/{}", self.id), Some(&self.agent)).await.unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn location(id: &str, (lat, lon): (f64, f64), lang: &str) -> Value {
    json!({"type": "location", "client_msg_id": id, "lat": lat, "lon": lon, "accuracy_m": 25,
           "measured_at_ms": now_ms(), "lang": lang})
}

/// Sends a location and returns the `chat_ack` (or `chat_error`) for it.
async fn send_location(ws: &mut JsonSocket, frame: Value) -> Value {
    let id = frame["client_msg_id"].clone();
    ws.send(frame).await;
    let seen = ws
        .until(WAIT, |v| (v["type"] == "chat_ack" || v["type"] == "chat_error") && v["client_msg_id"] == id)
        .await;
    let reply = seen.last().unwrap().clone();
    assert_eq!(reply["type"], "chat_ack", "{reply}");
    reply
}

#[tokio::test]
async fn a_location_gets_its_address_in_the_asked_language() {
    let fake = nominatim(&[]).await;
    let c = call(&fake, &[("VC_GEO__TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")]).await;
    let mut agent = c.connect(&c.agent).await;
    let mut client = c.connect(&c.client).await;

    let ack = send_location(&mut client, location("l1", KREMLIN, "ru")).await;
    let loc = &ack["message"]["location"];
    assert_eq!(loc["address"]["display"], KREMLIN_RU, "{ack}");
    assert_eq!(loc["address"]["lang"], "ru");
    assert_eq!(loc["address"]["road"], "Красная площадь");
    assert_eq!(loc["address"]["house_number"], "1");
    assert_eq!(loc["address"]["city"], "Москва");
    assert_eq!(loc["address"]["postcode"], "109012");
    assert_eq!(loc["address"]["country"], "Россия");
    assert_eq!((loc["lat"].as_f64(), loc["lon"].as_f64()), (Some(KREMLIN.0), Some(KREMLIN.1)));
    assert_eq!(loc["accuracy_m"].as_f64(), Some(25.0));
    assert_eq!(loc["tile"]["url"], "https://tile.openstreetmap.org/16/39616/20488.png");
    assert!((loc["tile"]["x"].as_f64().unwrap() - 57.58).abs() < 0.01, "{loc}");
    assert!((loc["tile"]["y"].as_f64().unwrap() - 50.13).abs() < 0.01, "{loc}");

    // The agent sees it in the chat.
    let got = agent.until(WAIT, |v| v["type"] == "chat" && v["message"]["location"].is_object()).await;
    let seen = &got.last().unwrap()["message"];
    assert_eq!(seen["from"], "client");
    assert_eq!(seen["location"]["address"]["display"], KREMLIN_RU);

    // English, asked for separately.
    let ack = send_location(&mut client, location("l2", KREMLIN, "en")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_EN, "{ack}");
    assert_eq!(ack["message"]["location"]["address"]["city"], "Moscow");

    // The interaction lists both, oldest first, with map links.
    let i = c.interaction().await;
    let locations = i["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 2, "{i}");
    assert_eq!(locations[0]["address"]["display"], KREMLIN_RU);
    assert_eq!(locations[1]["address"]["display"], KREMLIN_EN);
    assert_eq!(locations[0]["links"]["yandex"], "https://yandex.ru/maps/?pt=37.618423,55.751244&z=17&l=map");
    assert_eq!(
        locations[0]["links"]["osm"],
        "https://www.openstreetmap.org/?mlat=55.751244&mlon=37.618423#map=17/55.751244/37.618423"
    );

    // What reached the provider: the documented request, identified.
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].param("accept-language"), Some("ru"));
    assert_eq!(reqs[1].param("accept-language"), Some("en"));
    assert_eq!(reqs[0].param("format"), Some("jsonv2"));
    assert!(reqs[0].user_agent.as_deref().unwrap().starts_with("VideoAssist/"), "{:?}", reqs[0].user_agent);
    fake.assert_no_violations();
}

#[tokio::test]
async fn the_same_point_is_asked_once_also_after_a_restart() {
    let fake = nominatim(&[]).await;
    let mut c = call(&fake, &[]).await;
    let mut client = c.connect(&c.client).await;
    let ack = send_location(&mut client, location("l1", KREMLIN, "ru")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU);
    // The same point (and one 3 m away, in the same cell) again: from the cache.
    let ack = send_location(&mut client, location("l2", KREMLIN, "ru")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU);
    let near = (KREMLIN.0 - 0.00002, KREMLIN.1 - 0.00002); // the same 1e-4° cell
    let ack = send_location(&mut client, location("l3", near, "ru")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU);
    assert_eq!(fake.request_count(), 1, "{:#?}", fake.requests());

    drop(client);
    c.p.svc.restart();
    c.p.svc.wait_healthy(Duration::from_secs(30)).await;
    let mut client = c.connect(&c.client).await;
    let ack = send_location(&mut client, location("l4", KREMLIN, "ru")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU, "{ack}");
    assert_eq!(fake.request_count(), 1, "the cache survives a restart: {:#?}", fake.requests());
    assert_eq!(c.interaction().await["locations"].as_array().unwrap().len(), 4);
    fake.assert_no_violations();
}

#[tokio::test]
async fn five_points_at_once_respect_the_providers_rate_limit() {
    let points: Vec<(f64, f64)> =
        (0..5).map(|i| (59.9 + 0.01 * f64::from(i), 30.3 + 0.01 * f64::from(i))).collect();
    let fake = nominatim(&points).await;
    let c = call(&fake, &[]).await;
    // Five pages of the client, each sending a different point at once.
    let mut pages = Vec::new();
    for _ in 0..5 {
        pages.push(c.connect(&c.client).await);
    }
    let sends = pages.into_iter().enumerate().map(|(i, mut ws)| {
        let frame = location(&format!("p{i}"), points[i], "ru");
        tokio::spawn(async move { send_location(&mut ws, frame).await })
    });
    let mut displays = Vec::new();
    for s in sends.collect::<Vec<_>>() {
        let ack = s.await.unwrap();
        displays.push(ack["message"]["location"]["address"]["display"].as_str().map(str::to_owned));
    }
    let want: Vec<Option<String>> = (0..5).map(|i| Some(format!("Адрес {i}"))).collect();
    assert_eq!(displays, want, "every point got its address");
    assert_eq!(fake.request_count(), 5);
    fake.assert_no_violations();
    let at: Vec<_> = fake.requests().iter().map(|r| r.at).collect();
    for w in at.windows(2) {
        assert!(w[1] - w[0] >= chrono::Duration::milliseconds(1000), "{at:?}");
    }
}

#[tokio::test]
async fn a_failing_provider_leaves_the_location_without_an_address() {
    let fake = nominatim(&[]).await;
    let c = call(&fake, &[("VC_GEO__TIMEOUT_MS", "1500")]).await;
    let mut client = c.connect(&c.client).await;

    fake.fail(true);
    let ack = send_location(&mut client, location("l1", KREMLIN, "ru")).await;
    let loc = &ack["message"]["location"];
    assert!(loc.get("address").is_none(), "{ack}");
    assert_eq!((loc["lat"].as_f64(), loc["lon"].as_f64()), (Some(KREMLIN.0), Some(KREMLIN.1)));
    assert!(loc["links"]["osm"].as_str().unwrap().contains("mlat=55.751244"));

    // A provider that does not answer: stored without an address in time.
    fake.fail(false);
    fake.hang(true);
    tokio::time::sleep(Duration::from_millis(1100)).await; // keep to one request a second
    let started = std::time::Instant::now();
    let ack = send_location(&mut client, location("l2", KREMLIN, "ru")).await;
    assert!(ack["message"]["location"].get("address").is_none(), "{ack}");
    assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());

    // Failures are not cached: the provider is asked again once it works.
    fake.hang(false);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let ack = send_location(&mut client, location("l3", KREMLIN, "ru")).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU, "{ack}");
    assert_eq!(fake.request_count(), 3);

    let i = c.interaction().await;
    let locations = i["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 3);
    assert!(locations[0].get("address").is_none());
    assert_eq!(locations[0]["lat"].as_f64(), Some(KREMLIN.0));
    fake.assert_no_violations();
}

/// Waits for an `event` frame whose event kind is `kind`; returns its event.
async fn event(ws: &mut JsonSocket, kind: &str) -> Value {
    let seen = ws.until(WAIT, |v| v["type"] == "event" && v["event"]["event"]["type"] == kind).await;
    seen.last().unwrap()["event"]["event"].clone()
}

#[tokio::test]
async fn the_agent_asks_for_a_location_and_the_client_answers() {
    let fake = nominatim(&[]).await;
    let c = call(&fake, &[]).await;
    let mut agent = c.connect(&c.agent).await;
    let mut client = c.connect(&c.client).await;

    // Asked, and declined.
    agent.send(json!({"type": "request", "what": "location"})).await;
    let asked = event(&mut agent, "requested").await;
    assert_eq!(asked["what"], "location");
    let first = asked["request_id"].as_str().unwrap().to_owned();
    let seen = event(&mut client, "requested").await;
    assert_eq!(seen["request_id"], first.as_str());
    client.send(json!({"type": "request_declined", "request_id": first, "outcome": "declined"})).await;
    let answered = event(&mut agent, "request_answered").await;
    assert_eq!(
        (answered["request_id"].as_str(), answered["outcome"].as_str(), answered["what"].as_str()),
        (Some(first.as_str()), Some("declined"), Some("location"))
    );

    // Asked again, and answered with a location.
    agent.send(json!({"type": "request", "what": "location"})).await;
    let second = loop {
        let e = event(&mut agent, "requested").await;
        if e["request_id"] != first.as_str() {
            break e["request_id"].as_str().unwrap().to_owned();
        }
    };
    let mut frame = location("l1", KREMLIN, "ru");
    frame["request_id"] = json!(second);
    let ack = send_location(&mut client, frame).await;
    assert_eq!(ack["message"]["location"]["address"]["display"], KREMLIN_RU);
    let done = loop {
        let e = event(&mut agent, "request_answered").await;
        if e["request_id"] == second.as_str() {
            break e;
        }
    };
    assert_eq!(done["outcome"], "done", "{done}");

    // The client may not ask; an unknown request cannot be answered.
    client.send(json!({"type": "request", "what": "location"})).await;
    let err = client.until(WAIT, |v| v["type"] == "error").await;
    assert_eq!(err.last().unwrap()["code"], "forbidden", "{:?}", err.last());
    let unknown = uuid::Uuid::now_v7().to_string();
    client.send(json!({"type": "request_declined", "request_id": unknown, "outcome": "declined"})).await;
    let err = client.until(WAIT, |v| v["type"] == "error").await;
    assert_eq!(err.last().unwrap()["code"], "validation_failed", "{:?}", err.last());

    // The log has both requests with their outcomes.
    let i = c.interaction().await;
    let kinds: Vec<(String, String)> = i["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["type"] == "request_answered")
        .map(|e| {
            (
                e["event"]["request_id"].as_str().unwrap().to_owned(),
                e["event"]["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(kinds, [(first, "declined".to_owned()), (second, "done".to_owned())]);
    assert_eq!(i["locations"].as_array().unwrap().len(), 1);
    fake.assert_no_violations();
}
