//! `vc-load [--target gateway|janus|direct] --calls N --seconds S [--stamp] [--json] ...`:
//! runs that many one-to-one calls at once, each between two parties of
//! this process (WebRTC without a browser), through our platform's media
//! gateway, through Janus's videocall plugin, or directly peer to peer, and
//! prints a report per call (setup time, packets sent/received/lost, and
//! with `--stamp` one-way latency p50/p99) and the totals.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use vc_loadgen::janus::{JanusServer, JanusSettings};
use vc_loadgen::media::{self, LoadedMedia, MediaSpec};
use vc_loadgen::run::{self, CallSpec, Target};
use vc_loadgen::{Desk, Summary};

const USAGE: &str = "\
usage: vc-load [--target gateway|janus|direct] [options]

Runs calls at once, each between two parties of this process (WebRTC without a
browser) that send audio and video and receive each other's, and prints a
report per call and the totals.

  --target T          gateway (our platform, default), janus, or direct (peer to peer)
  --base URL          gateway: the platform (default http://127.0.0.1:8080)
  --login L           gateway: the agent account that opens the calls (default agent1)
  --password P        gateway: its password
  --janus URL         janus: its HTTP API (e.g. http://127.0.0.1:8088/janus); without it,
                      a Janus of our own is started (/usr/bin/janus, generated config)
  --bind IP           the parties' address (default 127.0.0.1; for janus the machine's
                      own, as Janus refuses loopback candidates)
  --calls N           calls at once (default 1)
  --seconds S         how long they last (default 10)
  --stamp             end every payload with a send time-stamp and report one-way
                      latency (the media is then undecodable: load runs only)
  --json              one JSON object per call, then the totals
  --pointer-hz HZ     open the collab channel; the first party sends HZ pointer moves a second
  --media-dir DIR     send real media: a 440 Hz Opus tone and a 640x480 30 fps VP8 test
                      pattern (~700 kbit/s, a keyframe every 2 s), made once with ffmpeg
                      into DIR and reused; without it, synthetic packets
  --ffmpeg PATH       the ffmpeg for --media-dir (default: ffmpeg on PATH)
  -h, --help          this text
";

struct Args {
    target: String,
    base: String,
    login: String,
    password: String,
    janus: Option<String>,
    bind: Option<IpAddr>,
    calls: usize,
    seconds: u64,
    stamp: bool,
    json: bool,
    pointer_hz: u32,
    media_dir: Option<PathBuf>,
    ffmpeg: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        target: "gateway".into(),
        base: "http://127.0.0.1:8080".into(),
        login: "agent1".into(),
        password: String::new(),
        janus: None,
        bind: None,
        calls: 1,
        seconds: 10,
        stamp: false,
        json: false,
        pointer_hz: 0,
        media_dir: None,
        ffmpeg: "ffmpeg".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--stamp" => {
                a.stamp = true;
                continue;
            }
            "--json" => {
                a.json = true;
                continue;
            }
            _ => {}
        }
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--target" if ["gateway", "janus", "direct"].contains(&v.as_str()) => a.target = v,
            "--target" => return Err(format!("unknown target {v}")),
            "--base" => a.base = v,
            "--login" => a.login = v,
            "--password" => a.password = v,
            "--janus" => a.janus = Some(v),
            "--bind" => a.bind = Some(v.parse().map_err(|_| "--bind needs an IP address")?),
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
    match load(a).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vc-load: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn load(a: Args) -> Result<(), String> {
    // Made (or found) and read once; every party shares it.
    let media = match &a.media_dir {
        None => None,
        Some(dir) => Some(
            media::prepare(&a.ffmpeg, dir, &MediaSpec::default())
                .and_then(|files| LoadedMedia::load(&files))
                .map_err(|e| format!("media: {e}"))?,
        ),
    };
    let own_ip = vc_loadgen::janus::own_ip();
    let mut _janus = None;
    let (target, bind) = match a.target.as_str() {
        "janus" => {
            let ip = a.bind.or(own_ip).ok_or("no address of this machine's own for Janus; give --bind")?;
            let base = match a.janus {
                Some(url) => url,
                None => {
                    let server =
                        JanusServer::start(&JanusSettings::new(ip)).await.map_err(|e| e.to_string())?;
                    let url = server.base_url();
                    _janus = Some(server);
                    url
                }
            };
            (Target::Janus { base }, ip)
        }
        "direct" => (Target::Direct, a.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
        _ => {
            let desk =
                Desk::sign_in(&a.base, &a.login, &a.password).await.map_err(|e| format!("sign-in: {e}"))?;
            (Target::Gateway(desk), a.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)))
        }
    };
    let spec = CallSpec { bind, media, stamp: a.stamp, pointer_hz: a.pointer_hz };
    let (calls, errors) = run::open_calls(&target, &spec, a.calls, "call", Duration::from_secs(15)).await;
    for e in &errors {
        eprintln!("vc-load: a call did not open: {e}");
    }
    tokio::time::sleep(Duration::from_secs(a.seconds)).await;
    let reports = run::close_calls(&target, calls).await;
    let summary = Summary::of(&reports);
    for r in &reports {
        if a.json {
            println!("{}", r.to_json());
        } else {
            println!("{r}");
        }
    }
    if a.json {
        let mut s = serde_json::to_value(&summary).unwrap_or_default();
        s["target"] = a.target.clone().into();
        s["failed_to_open"] = errors.len().into();
        println!("{s}");
    } else {
        println!("{}: {summary}", a.target);
    }
    Ok(())
}
