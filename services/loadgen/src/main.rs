//! `vc-load --base http://127.0.0.1:8080 --login agent1 --password … --calls 10 --seconds 20 [--pointer-hz 30]`:
//! runs that many calls at once through the platform and prints what each
//! party sent and received. With `--pointer-hz`, both parties open the
//! `collab` data channel and the agent sends that many pointer moves a
//! second through the gateway to the client.

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::time::Duration;

use vc_loadgen::{Desk, Party, PartyConfig};

struct Args {
    base: String,
    login: String,
    password: String,
    calls: usize,
    seconds: u64,
    pointer_hz: u32,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        base: "http://127.0.0.1:8080".into(),
        login: "agent1".into(),
        password: String::new(),
        calls: 1,
        seconds: 10,
        pointer_hz: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--base" => a.base = v,
            "--login" => a.login = v,
            "--password" => a.password = v,
            "--calls" => a.calls = v.parse().map_err(|_| "--calls needs a number")?,
            "--seconds" => a.seconds = v.parse().map_err(|_| "--seconds needs a number")?,
            "--pointer-hz" => a.pointer_hz = v.parse().map_err(|_| "--pointer-hz needs a number")?,
            _ => return Err(format!("unknown option {k}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "vc-load: {e}\nusage: vc-load --base URL --login L --password P [--calls N] [--seconds S] [--pointer-hz HZ]"
            );
            return ExitCode::from(2);
        }
    };
    let desk = match Desk::sign_in(&a.base, &a.login, &a.password).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("vc-load: sign-in: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut calls = Vec::new();
    for _ in 0..a.calls {
        let t = match desk.new_call("two_way").await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("vc-load: {e}");
                return ExitCode::FAILURE;
            }
        };
        let cfg = |access: &vc_protocol::media::MediaAccess, pointer_hz: u32| PartyConfig {
            signaling_url: desk.ws_url(access),
            room_token: access.room_token.clone(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            send_video: true,
            video_codec: Default::default(),
            drop_incoming: 0.0,
            collab: a.pointer_hz > 0,
            pointer_hz,
        };
        let (agent, client) =
            match (Party::join(cfg(&t.agent, a.pointer_hz)).await, Party::join(cfg(&t.client, 0)).await) {
                (Ok(a), Ok(c)) => (a, c),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("vc-load: {e}");
                    return ExitCode::FAILURE;
                }
            };
        calls.push((t.interaction_id, agent, client));
    }
    tokio::time::sleep(Duration::from_secs(a.seconds)).await;
    let pointer_hz = a.pointer_hz;
    for (id, agent, client) in calls {
        let (a, c) = (agent.leave().await, client.leave().await);
        println!(
            "{id}: agent sent {}a/{}v received {}a/{}v; client sent {}a/{}v received {}a/{}v",
            a.sent_audio,
            a.sent_video,
            a.received_audio,
            a.received_video,
            c.sent_audio,
            c.sent_video,
            c.received_audio,
            c.received_video
        );
        if pointer_hz > 0 {
            println!(
                "{id}: pointer moves sent {} (refused {}), received {}",
                a.collab_sent, a.collab_send_failed, c.collab_received
            );
        }
        let _ = desk.end(id).await;
    }
    ExitCode::SUCCESS
}
