//! The collections against a real MongoDB-compatible server: the test run's
//! (`VC_TEST_MONGO_URI`, as `make test` sets it) or a SecantusDB the test
//! kit starts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use vc_protocol::InteractionId;
use vc_protocol::ids::MessageId;
use vc_protocol::interaction::Party;
use vc_protocol::media::{PeerStats, TrackStats};
use vc_protocol::stat::StatInput;
use vc_runtime::Db;
use vc_runtime::config::MongoConfig;

use crate::samples::Samples;
use crate::store::{MetricsDoc, Store};

async fn db() -> Db {
    let uri = vc_testkit::shared_mongo_uri();
    let cfg = MongoConfig { uri: Some(uri), database: format!("stat_{}", uuid_like()), ..Default::default() };
    Db::connect(&cfg, "vc-stat-test").await.unwrap()
}

fn uuid_like() -> String {
    InteractionId::new().to_string().replace('-', "")
}

fn stats() -> PeerStats {
    PeerStats {
        inbound: vec![TrackStats {
            kind: "video".into(),
            bitrate_kbps: 900.5,
            packets: u64::from(u32::MAX) + 7,
            packets_lost: 3,
            loss: 0.01,
            jitter_ms: Some(4.5),
            width: Some(1280),
            height: Some(720),
            fps: Some(29.97),
        }],
        outbound: vec![],
        rtt_ms: Some(42.0),
    }
}

#[tokio::test]
async fn samples_are_stored_once_loaded_in_order_and_deleted() {
    let db = db().await;
    let samples = Samples::open(&db).await.unwrap();
    let room = InteractionId::new();
    let now = Utc::now();
    let m1 = MessageId::new();
    assert!(samples.insert(m1, room, now, Party::Client, &stats()).await.unwrap());
    assert!(!samples.insert(m1, room, now, Party::Client, &stats()).await.unwrap(), "a redelivery");
    let early = now - Duration::seconds(700);
    assert!(samples.insert(MessageId::new(), room, early, Party::Agent, &stats()).await.unwrap());
    let loaded = samples.load(room).await.unwrap();
    assert_eq!(loaded.len(), 2);
    assert_eq!((loaded[0].role, loaded[1].role), (Party::Agent, Party::Client));
    assert_eq!(loaded[1].stats, stats());
    let cutoff = now - Duration::seconds(600);
    assert_eq!(samples.rooms_with_samples_before(cutoff).await.unwrap(), vec![room]);
    let newest = samples.newest(room).await.unwrap().unwrap();
    assert_eq!(newest.timestamp_millis(), now.timestamp_millis());
    assert_eq!(samples.delete(room).await.unwrap(), 2);
    assert!(samples.load(room).await.unwrap().is_empty());
}

#[tokio::test]
async fn metrics_and_jobs_round_trip() {
    let db = db().await;
    let store = Store::open(&db).await.unwrap();
    let i = crate::compute::testing::interaction(0);
    let id = i.id;
    let input = StatInput {
        interaction: i,
        client_user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0 Safari/537.36".into()),
        chat_messages: 1,
        files: 0,
        screenshots: 0,
    };
    let sample = crate::compute::Sample { at: Utc::now(), role: Party::Client, stats: stats() };
    let (summary, series) = crate::compute::compute(&input, &[sample], Utc::now());
    let doc = MetricsDoc {
        id,
        status: input.interaction.status,
        summary,
        series,
        delivered: false,
        computed_at: mongodb::bson::DateTime::now(),
    };
    assert!(store.insert(&doc).await.unwrap());
    assert!(!store.insert(&doc).await.unwrap(), "kept once");
    let back = store.get(id).await.unwrap().unwrap();
    assert_eq!(back.clone().view(), doc.clone().view());
    assert_eq!(store.undelivered(10).await.unwrap().len(), 1);
    store.mark_delivered(id).await.unwrap();
    assert!(store.undelivered(10).await.unwrap().is_empty());

    let job = InteractionId::new();
    store.schedule(job, Utc::now() + Duration::seconds(30)).await.unwrap();
    assert!(store.due_jobs(Utc::now(), 10).await.unwrap().is_empty());
    assert_eq!(store.retry_later(job, Utc::now() - Duration::seconds(1)).await.unwrap(), 1);
    store.schedule(job, Utc::now() - Duration::seconds(1)).await.unwrap();
    assert_eq!(store.retry_later(job, Utc::now() - Duration::seconds(1)).await.unwrap(), 2, "attempts kept");
    assert_eq!(store.due_jobs(Utc::now(), 10).await.unwrap(), vec![job]);
    assert!(store.has_job(job).await.unwrap());
    store.finish_job(job).await.unwrap();
    assert!(!store.has_job(job).await.unwrap());
}
