//! Files of an interaction through the real platform (vc-fileserver in the
//! all-in-one): who may upload and read, streaming of large files, the
//! per-file limit and the quota leaving nothing behind, content sniffing,
//! safe names and paths, thumbnails, and files surviving a restart while a
//! half-sent upload never appears.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vc_testkit::Platform;

const MIB: u64 = 1024 * 1024;
const LIMIT: u64 = 100 * MIB;

struct Desk {
    p: Platform,
    agent: String,
    other_agent: String,
    supervisor: String,
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
    Desk { p, agent, other_agent, supervisor }
}

/// An interaction of `agent` with a client who joined: `(id, client token)`.
async fn call(d: &Desk, agent: &str) -> (String, String) {
    d.p.joined_call(agent, &json!({"video_mode": "two_way"})).await
}

impl Desk {
    fn root(&self) -> PathBuf {
        self.p.data_dir.path().join("files")
    }

    /// `POST /api/interactions/{id}/files` with a body of known length.
    async fn upload(&self, id: &str, token: &str, headers: &[(&str, &str)], body: Vec<u8>) -> (u16, Value) {
        let mut req = http()
            .post(format!("{}/api/interactions/{id}/files", self.p.api().base))
            .bearer_auth(token)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Uploads and expects 201; returns the file's id.
    async fn upload_ok(&self, id: &str, token: &str, name: &str, body: Vec<u8>) -> Value {
        let (status, info) = self.upload(id, token, &[("x-file-name", name)], body).await;
        assert_eq!(status, 201, "{info:?}");
        info
    }

    async fn list(&self, id: &str, token: &str) -> vc_testkit::Reply {
        self.p.api().get(&format!("/api/interactions/{id}/files"), Some(token)).await.unwrap()
    }

    async fn listed(&self, id: &str, token: &str) -> Vec<Value> {
        let r = self.list(id, token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body.as_array().unwrap().clone()
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

/// A download, hashed as it streams in.
struct Download {
    status: u16,
    headers: reqwest::header::HeaderMap,
    len: u64,
    sha256: String,
    /// The body when small (error bodies, parts).
    bytes: Vec<u8>,
}

impl Download {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn download(d: &Desk, path: &str, token: &str, headers: &[(&str, &str)]) -> Download {
    let mut req = http().get(format!("{}{path}", d.p.api().base)).bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let (mut len, mut hasher, mut bytes) = (0u64, Sha256::new(), Vec::new());
    while let Some(chunk) = res.chunk().await.unwrap() {
        len += chunk.len() as u64;
        hasher.update(&chunk);
        if bytes.len() < 1 << 20 {
            bytes.extend_from_slice(&chunk);
        }
    }
    Download { status, headers, len, sha256: hex(&hasher.finalize()), bytes }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Pseudo-random bytes made on the fly, 64 KiB at a time (never all in memory).
struct Noise {
    state: u64,
    left: u64,
}

impl Noise {
    fn new(seed: u64, len: u64) -> Self {
        Self { state: seed | 1, left: len }
    }

    /// The SHA-256 of the same content.
    fn sha256(seed: u64, len: u64) -> String {
        let mut h = Sha256::new();
        for chunk in Noise::new(seed, len) {
            h.update(&chunk);
        }
        hex(&h.finalize())
    }
}

impl Iterator for Noise {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.left == 0 {
            return None;
        }
        let n = self.left.min(64 * 1024) as usize;
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            // xorshift64*
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            out.extend_from_slice(&self.state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        out.truncate(n);
        self.left -= n as u64;
        Some(out)
    }
}

fn noise(seed: u64, len: u64) -> Vec<u8> {
    Noise::new(seed, len).flatten().collect()
}

/// How a raw upload frames its body.
#[derive(Clone, Copy, PartialEq)]
enum Framing {
    /// `Content-Length` of this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the server does not know the size.
    Chunked,
}

/// An upload over a plain TCP connection, the body sent while the answer is
/// read: like a browser, the client stops sending when the server answers
/// early (413, 507). Returns the status and the JSON body.
async fn raw_upload(
    d: &Desk,
    id: &str,
    token: &str,
    framing: Framing,
    body: impl Iterator<Item = Vec<u8>> + Send + 'static,
) -> (u16, Value) {
    raw_upload_as(d, id, token, "application/octet-stream", framing, body).await
}

async fn raw_upload_as(
    d: &Desk,
    id: &str,
    token: &str,
    content_type: &str,
    framing: Framing,
    body: impl Iterator<Item = Vec<u8>> + Send + 'static,
) -> (u16, Value) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", d.p.svc.port)).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let framing_header = match framing {
        Framing::Length(n) => format!("Content-Length: {n}"),
        Framing::Chunked => "Transfer-Encoding: chunked".to_owned(),
    };
    let head = format!(
        "POST /api/interactions/{id}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nX-File-Name: noise.bin\r\nContent-Type: {content_type}\r\n{framing_header}\r\nConnection: close\r\n\r\n"
    );
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await?;
        for chunk in body {
            if framing == Framing::Chunked {
                wr.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                wr.write_all(&chunk).await?;
                wr.write_all(b"\r\n").await?;
            } else {
                wr.write_all(&chunk).await?;
            }
        }
        if framing == Framing::Chunked {
            wr.write_all(b"0\r\n\r\n").await?;
        }
        wr.flush().await?;
        std::io::Result::Ok(wr)
    });
    let response = read_response(&mut rd).await;
    writer.abort();
    response
}

/// Reads one HTTP/1.1 response with a `Content-Length` body.
async fn read_response(rd: &mut tokio::net::tcp::OwnedReadHalf) -> (u16, Value) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                })
                .map(|v| v.parse().unwrap())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let body = &buf[end + 4..end + 4 + length];
                return (status, serde_json::from_slice(body).unwrap_or(Value::Null));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, rd.read(&mut chunk)).await.expect("no answer in time").unwrap();
        assert!(n > 0, "connection closed before a full answer: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The stored files (not thumbnails, not temporary files).
fn stored_under(root: &Path) -> Vec<PathBuf> {
    files_under(root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("tmp")) && !p.to_string_lossy().contains(".thumb."))
        .collect()
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A PNG of `w` x `h` RGB pixels (stored deflate blocks: no image library needed).
fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // no filter
        for x in 0..w {
            raw.extend_from_slice(&[(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Width and height from a PNG's IHDR.
fn png_size(data: &[u8]) -> (u32, u32) {
    assert_eq!(&data[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let n = |i: usize| u32::from_be_bytes(data[i..i + 4].try_into().unwrap());
    (n(16), n(20))
}

#[tokio::test]
async fn the_parties_share_files_and_nobody_else_sees_them() {
    let d = desk(&[]).await;
    let (id, client) = call(&d, &d.agent).await;
    let (other_id, other_client) = call(&d, &d.other_agent).await;

    // The client uploads; the name is percent-encoded UTF-8.
    let content = noise(7, 300_000);
    let info = d.upload_ok(&id, &client, "%D0%BE%D1%82%D1%87%D1%91%D1%82.bin", content.clone()).await;
    assert_eq!(info["name"], "отчёт.bin");
    assert_eq!(info["size"], 300_000);
    assert_eq!(info["sha256"], sha256(&content).as_str());
    assert_eq!(info["content_type"], "application/octet-stream");
    assert_eq!(info["uploaded_by"], "client");
    assert_eq!(info["interaction_id"], id.as_str());
    assert_eq!(info["thumbnail"], false);
    let file = info["id"].as_str().unwrap().to_owned();

    // The agent downloads the same bytes, as an attachment.
    let got = download(&d, &format!("/api/files/{file}"), &d.agent, &[]).await;
    assert_eq!(got.status, 200);
    assert_eq!((got.len, got.sha256.as_str()), (300_000, sha256(&content).as_str()));
    assert_eq!(got.header("content-length"), "300000");
    assert_eq!(got.header("content-type"), "application/octet-stream");
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    assert_eq!(got.header("cache-control"), "private, no-store");
    let cd = got.header("content-disposition");
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(cd.contains("filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.bin"), "{cd}");

    // A part of it, and only its headers.
    let part = download(&d, &format!("/api/files/{file}"), &client, &[("range", "bytes=1000-1999")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.bytes, &content[1000..2000]);
    let head = http()
        .head(format!("{}/api/files/{file}", d.p.api().base))
        .bearer_auth(&d.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "300000");

    // The agent sends one as a multipart form; the list is newest first.
    let boundary = "----vcboundary7MA4YWxkTrZu0gW";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: application/x-msdownload\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice("Привет!\nline two\n".as_bytes());
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let (status, text) = d.upload(&id, &d.agent, &[("content-type", &content_type)], form).await;
    assert_eq!(status, 201, "{text:?}");
    assert_eq!(text["name"], "notes.txt");
    assert_eq!(text["size"], "Привет!\nline two\n".len());
    assert_eq!(text["content_type"], "text/plain; charset=utf-8");
    assert_eq!(text["uploaded_by"], "agent");
    for token in [&client, &d.agent, &d.supervisor] {
        let names: Vec<Value> = d.listed(&id, token).await.iter().map(|f| f["name"].clone()).collect();
        assert_eq!(names, [json!("notes.txt"), json!("отчёт.bin")]);
    }

    // A supervisor reads everything.
    let got = download(&d, &format!("/api/files/{file}"), &d.supervisor, &[]).await;
    assert_eq!((got.status, got.sha256.as_str()), (200, sha256(&content).as_str()));

    // Another interaction's client and another agent get 403.
    for token in [&other_client, &d.other_agent] {
        let r = download(&d, &format!("/api/files/{file}"), token, &[]).await;
        assert_eq!((r.status, r.json()["code"].as_str()), (403, Some("forbidden")), "download");
        let r = d.list(&id, token).await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "list");
        let (status, body) = d.upload(&id, token, &[], b"x".to_vec()).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "upload");
    }
    assert!(d.listed(&other_id, &other_client).await.is_empty());

    // Unknown files and interactions, and no token.
    let r = download(&d, &format!("/api/files/{}", uuid::Uuid::now_v7()), &d.agent, &[]).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (404, Some("file_not_found")));
    let r = download(&d, "/api/files/not-an-id", &d.agent, &[]).await;
    assert_eq!(r.status, 404);
    let (status, body) = d.upload(&uuid::Uuid::now_v7().to_string(), &d.agent, &[], b"x".to_vec()).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("interaction_not_found")));
    let r = d.p.api().get(&format!("/api/files/{file}"), None).await.unwrap();
    assert_eq!((r.status, r.code()), (401, "unauthorized"));
    assert_eq!(stored_under(&d.root()).len(), 2, "one file on disk per upload");

    // Every path is documented.
    let openapi = d.p.api().get("/api/openapi.json", None).await.unwrap().body;
    for (path, method) in [
        ("/api/interactions/{id}/files", "post"),
        ("/api/interactions/{id}/files", "get"),
        ("/api/files/{id}", "get"),
        ("/api/files/{id}", "head"),
        ("/api/files/{id}/thumbnail", "get"),
    ] {
        assert!(openapi["paths"][path].get(method).is_some(), "{method} {path} is in the OpenAPI document");
    }
}

#[tokio::test]
async fn content_decides_the_type_and_names_never_become_paths() {
    let d = desk(&[]).await;
    let (id, client) = call(&d, &d.agent).await;

    // A PNG declared as text is an image, with a thumbnail.
    let picture = png(800, 600);
    let (status, info) = d
        .upload(
            &id,
            &client,
            &[("x-file-name", "photo.txt"), ("content-type", "text/plain")],
            picture.clone(),
        )
        .await;
    assert_eq!(status, 201, "{info:?}");
    assert_eq!(info["content_type"], "image/png");
    assert_eq!(info["thumbnail"], true);
    let file = info["id"].as_str().unwrap().to_owned();
    let got = download(&d, &format!("/api/files/{file}"), &d.agent, &[]).await;
    assert_eq!(got.header("content-type"), "image/png");
    assert_eq!(got.sha256, sha256(&picture));
    let thumb = download(&d, &format!("/api/files/{file}/thumbnail"), &client, &[]).await;
    assert_eq!(thumb.status, 200, "{:?}", thumb.json());
    assert_eq!(thumb.header("content-type"), "image/png");
    assert_eq!(png_size(&thumb.bytes), (320, 240), "a smaller picture of the same shape");
    assert!(thumb.len < picture.len() as u64);
    let r = download(&d, &format!("/api/files/{file}/thumbnail"), &d.other_agent, &[]).await;
    assert_eq!(r.status, 403);

    // HTML declared as HTML is served as text that no browser renders.
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let (status, info) = d
        .upload(&id, &client, &[("x-file-name", "page.html"), ("content-type", "text/html")], html.to_vec())
        .await;
    assert_eq!(status, 201);
    let ct = info["content_type"].as_str().unwrap();
    assert!(ct == "text/plain; charset=utf-8" || ct == "application/octet-stream", "{ct}");
    assert_eq!(info["thumbnail"], false);
    let got = download(&d, &format!("/api/files/{}", info["id"].as_str().unwrap()), &d.agent, &[]).await;
    assert_eq!(got.header("content-type"), ct);
    assert!(!got.header("content-type").contains("html"));
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    assert!(got.header("content-disposition").starts_with("attachment;"));
    let r =
        download(&d, &format!("/api/files/{}/thumbnail", info["id"].as_str().unwrap()), &d.agent, &[]).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (404, Some("file_not_found")), "no thumbnail");

    // A name that looks like a path is only a name; the file lands under the root.
    let (status, info) =
        d.upload(&id, &d.agent, &[("x-file-name", "..%2F..%2Fetc%2Fpasswd")], b"root:x:0:0\n".to_vec()).await;
    assert_eq!(status, 201);
    assert_eq!(info["name"], "passwd");
    let (status, info) =
        d.upload(&id, &d.agent, &[("x-file-name", "../../../../tmp/evil%7F")], b"x".to_vec()).await;
    assert_eq!(status, 201);
    assert_eq!(info["name"], "evil");
    let (status, info) = d.upload(&id, &d.agent, &[], Vec::new()).await;
    assert_eq!(status, 201, "an empty file without a name");
    assert_eq!((info["name"].as_str(), info["size"].as_u64()), (Some("file"), Some(0)));
    let root = d.root().canonicalize().unwrap();
    let stored = stored_under(&root);
    assert_eq!(stored.len(), 5);
    for p in &stored {
        assert!(p.canonicalize().unwrap().starts_with(&root), "{} is under the root", p.display());
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(name.parse::<uuid::Uuid>().is_ok(), "stored under its id, not its name: {name}");
    }
    assert!(files_under(&root.join("tmp")).is_empty());
}

#[tokio::test]
async fn a_100_mib_file_streams_and_one_byte_more_leaves_nothing() {
    let d = desk(&[]).await;
    let (id, client) = call(&d, &d.agent).await;

    // One byte over, announced: refused before a byte is read.
    let started = Instant::now();
    let (status, body) =
        raw_upload(&d, &id, &client, Framing::Length(LIMIT + 1), Noise::new(1, LIMIT + 1)).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("file_too_large")), "{body:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "refused at once: {:?}", started.elapsed());
    // One byte over, not announced: refused when the count passes the limit.
    let (status, body) = raw_upload(&d, &id, &client, Framing::Chunked, Noise::new(2, LIMIT + 1)).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("file_too_large")), "{body:?}");
    // A multipart form announcing too much.
    let form = "multipart/form-data; boundary=x";
    let (status, body) =
        raw_upload_as(&d, &id, &client, form, Framing::Length(LIMIT + 70_000), Noise::new(5, LIMIT + 70_000))
            .await;
    assert_eq!((status, body["code"].as_str()), (413, Some("file_too_large")));
    wait_until("every temporary file removed", Duration::from_secs(5), || files_under(&d.root()).is_empty())
        .await;
    assert!(d.listed(&id, &d.agent).await.is_empty(), "no metadata");

    // Exactly the limit, streamed from here with no length given, then with one.
    let (status, info) = raw_upload(&d, &id, &client, Framing::Chunked, Noise::new(3, LIMIT)).await;
    assert_eq!(status, 201, "{info:?}");
    assert_eq!(info["size"], LIMIT);
    assert_eq!(info["sha256"], Noise::sha256(3, LIMIT).as_str());
    let (status, info) = raw_upload(&d, &id, &client, Framing::Length(LIMIT), Noise::new(4, LIMIT)).await;
    assert_eq!(status, 201, "{info:?}");
    let expected = Noise::sha256(4, LIMIT);
    assert_eq!(info["sha256"], expected.as_str());
    let got = download(&d, &format!("/api/files/{}", info["id"].as_str().unwrap()), &d.agent, &[]).await;
    assert_eq!((got.status, got.len, got.sha256.as_str()), (200, LIMIT, expected.as_str()));
    assert_eq!(stored_under(&d.root()).len(), 2);
    assert!(files_under(&d.root().join("tmp")).is_empty());
}

#[tokio::test]
async fn the_quota_is_never_overshot_and_refusals_store_nothing() {
    let d = desk(&[("VC_FILESERVER__QUOTA_BYTES", "1000000")]).await;
    let (id, client) = call(&d, &d.agent).await;
    d.upload_ok(&id, &client, "a.bin", noise(1, 600_000)).await;

    // 600 kB more does not fit, whether announced or not.
    let (status, body) = raw_upload(&d, &id, &client, Framing::Length(600_000), Noise::new(2, 600_000)).await;
    assert_eq!((status, body["code"].as_str()), (507, Some("storage_full")), "{body:?}");
    let (status, body) = raw_upload(&d, &id, &client, Framing::Chunked, Noise::new(3, 600_000)).await;
    assert_eq!((status, body["code"].as_str()), (507, Some("storage_full")), "{body:?}");
    assert_eq!(d.listed(&id, &client).await.len(), 1);
    wait_until("refused uploads removed", Duration::from_secs(5), || {
        files_under(&d.root().join("tmp")).is_empty()
    })
    .await;
    assert_eq!(stored_under(&d.root()).len(), 1);

    // 400 kB are left: of two concurrent 300 kB uploads exactly one fits.
    let (a, b) = tokio::join!(
        raw_upload(&d, &id, &client, Framing::Length(300_000), Noise::new(4, 300_000)),
        raw_upload(&d, &id, &d.agent, Framing::Length(300_000), Noise::new(5, 300_000)),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 507], "{a:?} {b:?}");
    // Refused reservations were given back: the last 100 kB fit exactly.
    tokio::time::sleep(Duration::from_millis(300)).await;
    d.upload_ok(&id, &client, "c.bin", noise(6, 100_000)).await;
    let (status, _) = d.upload(&id, &client, &[], vec![1]).await;
    assert_eq!(status, 507, "full to the byte");
    assert_eq!(d.listed(&id, &client).await.len(), 3);
    assert_eq!(stored_under(&d.root()).len(), 3);
}

#[tokio::test]
async fn nothing_is_added_after_the_call_but_files_stay_readable() {
    let d = desk(&[]).await;
    let (id, client) = call(&d, &d.agent).await;
    let info = d.upload_ok(&id, &d.agent, "before.txt", b"before the end".to_vec()).await;
    let r = d.p.api().post(&format!("/api/interactions/{id}/end"), Some(&d.agent), &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.body);
    for token in [&client, &d.agent, &d.supervisor] {
        let (status, body) =
            d.upload(&id, token, &[("x-file-name", "after.txt")], b"too late".to_vec()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("interaction_ended")), "{body:?}");
    }
    let got = download(&d, &format!("/api/files/{}", info["id"].as_str().unwrap()), &client, &[]).await;
    assert_eq!((got.status, got.bytes.as_slice()), (200, &b"before the end"[..]));
    assert_eq!(d.listed(&id, &d.agent).await.len(), 1);
    assert_eq!(stored_under(&d.root()).len(), 1);
}

#[tokio::test]
async fn files_survive_a_restart_and_half_sent_uploads_never_appear() {
    let mut d = desk(&[]).await;
    let (id, client) = call(&d, &d.agent).await;
    let content = noise(9, 5 * MIB);
    let info = d.upload_ok(&id, &client, "kept.bin", content.clone()).await;
    let file = info["id"].as_str().unwrap().to_owned();

    // A client that goes away mid-upload leaves nothing behind.
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", d.p.svc.port)).await.unwrap();
    let (_rd, mut wr) = stream.into_split();
    wr.write_all(
        format!(
            "POST /api/interactions/{id}/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {client}\r\nContent-Length: {}\r\n\r\n",
            10 * MIB
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    wr.write_all(&noise(10, 3 * MIB)).await.unwrap();
    let tmp = d.root().join("tmp");
    wait_until("the upload under way", Duration::from_secs(10), || !files_under(&tmp).is_empty()).await;
    drop((_rd, wr));
    wait_until("the abandoned upload removed", Duration::from_secs(10), || files_under(&tmp).is_empty())
        .await;

    // The platform dies mid-upload: after the restart the partial file is
    // gone and the acknowledged one is whole.
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", d.p.svc.port)).await.unwrap();
    let (_rd2, mut wr) = stream.into_split();
    wr.write_all(
        format!(
            "POST /api/interactions/{id}/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {client}\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let part = noise(11, 2 * MIB);
    wr.write_all(format!("{:x}\r\n", part.len()).as_bytes()).await.unwrap();
    wr.write_all(&part).await.unwrap();
    wr.write_all(b"\r\n").await.unwrap();
    wait_until("the second upload under way", Duration::from_secs(10), || !files_under(&tmp).is_empty())
        .await;
    d.p.svc.restart();
    d.p.svc.wait_healthy(Duration::from_secs(30)).await;
    assert!(files_under(&tmp).is_empty(), "temporary files removed at start");
    d.agent = d.p.api().tokens("agent1", "agent-pass-1").await.0;
    let listed = d.listed(&id, &d.agent).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], file.as_str());
    let got = download(&d, &format!("/api/files/{file}"), &d.agent, &[]).await;
    assert_eq!((got.status, got.len, got.sha256.as_str()), (200, 5 * MIB, sha256(&content).as_str()));
    assert_eq!(stored_under(&d.root()).len(), 1);
    // Uploads work again after the restart.
    d.upload_ok(&id, &client, "after.bin", noise(12, 1000)).await;
}
