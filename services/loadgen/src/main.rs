//! `vc-load --base http://127.0.0.1:8080 --login agent1 --password … --calls 10 --seconds 20 [--pointer-hz 30]`:
//! runs that many calls at once through the platform and prints what each
//! party sent and received. With `--pointer-hz`, both parties open the
//! `collab` data channel and the agent sends that many pointer moves a
//! second through the gateway to the client. With `--media-dir`, every
//! party sends real Opus and VP8 (a tone and a test pattern, made once with
//! ffmpeg into that directory) instead of synthetic packets.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use vc_loadgen::media::{self, LoadedMedia, MediaSpec};
use vc_loadgen::{Desk, Party, PartyConfig};

const USAGE: &str = "\
usage: vc-load --base URL --login L --password P [options]

Runs calls through the platform, each with an agent and a client party (WebRTC
without a browser), and prints what each party sent and received.

  --base URL          the platform (default http://127.0.0.1:8080)
  --login L           the agent account that opens the calls (default agent1)
  --password P        its password
  --calls N           calls at once (default 1)
  --seconds S         how long they last (default 10)
  --pointer-hz HZ     open the collab channel; the agent sends HZ pointer moves a second
  --media-dir DIR     send real media: a 440 Hz Opus tone and a 640x480 30 fps VP8 test
                      pattern (~700 kbit/s, a keyframe every 2 s), made once with ffmpeg
                      into DIR and reused; without it, synthetic packets
  --ffmpeg PATH       the ffmpeg for --media-dir (default: ffmpeg on PATH)
  -h, --help          this text
";

struct Args {
    base: String,
    login: String,
    password: String,
    calls: usize,
    seconds: u64,
    pointer_hz: u32,
    media_dir: Option<PathBuf>,
    ffmpeg: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        base: "http://127.0.0.1:8080".into(),
        login: "agent1".into(),
        password: String::new(),
        calls: 1,
        seconds: 10,
        pointer_hz: 0,
        media_dir: None,
        ffmpeg: "ffmpeg".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        if k == "-h" || k == "--help" {
            return Err(String::new());
        }
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--base" => a.base = v,
            "--login" => a.login = v,
            "--password" => a.password = v,
            "--calls" => a.calls = v.parse().map_err(|_| "--calls needs a number")?,
            "--seconds" => a.seconds = v.parse().map_err(|_| "--seconds needs a number")?,
            "--pointer-hz" => a.pointer_hz = v.parse().map_err(|_| "--pointer-hz needs a number")?,
            "--media-dir" => a.media_dir = Some(v.into()),
            "--ffmpeg" => a.ffmpeg = v.into(),
            _ => return Err(format!("unknown option {k}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("vc-load: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Made (or found) and read once; every party shares it.
    let media = match &a.media_dir {
        None => None,
        Some(dir) => match media::prepare(&a.ffmpeg, dir, &MediaSpec::default())
            .and_then(|files| LoadedMedia::load(&files))
        {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("vc-load: media: {e}");
                return ExitCode::FAILURE;
            }
        },
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
            media: media.clone(),
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
