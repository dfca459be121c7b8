//! Raw recording: every recorded track of a call is appended to its own
//! file as packets arrive (format: `vc_protocol::recording`), by one writer
//! thread, so the engine never waits for the disk. vc-records merges the
//! files after the call.
//!
//! Crash safety: records are only ever appended, the writer hands them to
//! the kernel at least every [`FLUSH_EVERY`] and syncs them to disk every
//! [`SYNC_EVERY`]; a killed gateway leaves files that are valid up to their
//! last complete record. While a gateway writes a call's directory it
//! holds a shared `flock` on `<dir>/.lock`; the kernel drops it when the
//! process dies, which is how vc-records tells an orphaned recording from
//! one still being written (it takes the lock exclusively before merging).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use vc_protocol::InteractionId;
use vc_protocol::interaction::Party;
use vc_protocol::recording::{self as raw, TrackHeader, TrackKind};

/// Buffered records reach the kernel at least this often.
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// And the disk this often.
pub const SYNC_EVERY: Duration = Duration::from_secs(5);
/// Packets waiting for the writer; beyond this they are dropped (counted),
/// never waited for.
const QUEUE: usize = 16_384;
/// Name of the lock file in a call's raw directory.
pub const LOCK_FILE: &str = ".lock";

/// Identifies one open track file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackKey(u64);

enum Op {
    Open { key: TrackKey, header: Box<TrackHeader> },
    Packet { key: TrackKey, record: Vec<u8> },
    Close { key: TrackKey },
    CloseRoom { room: InteractionId },
}

/// Counters of what happened to recorded packets.
#[derive(Debug, Clone)]
pub struct RecorderMetrics {
    /// `media_recording_packets_total{outcome}`: written, dropped (queue
    /// full), failed (disk error).
    pub packets: prometheus::IntCounterVec,
}

/// The engine's side of the recorder.
pub struct Recorder {
    tx: Option<SyncSender<Op>>,
    thread: Option<JoinHandle<()>>,
    gateway_id: String,
    next_key: u64,
    /// Wall clock at `base_instant`, to stamp arrivals without a syscall.
    base_unix_us: i64,
    base_instant: Instant,
    metrics: RecorderMetrics,
}

impl Recorder {
    /// Starts the writer thread; raw directories go under `dir`.
    pub fn start(dir: PathBuf, gateway_id: String, metrics: RecorderMetrics) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        let (tx, rx) = sync_channel(QUEUE);
        let m = metrics.clone();
        let thread =
            std::thread::Builder::new().name("vc-media-rec".into()).spawn(move || writer(dir, rx, m))?;
        let base_unix_us =
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or_default();
        Ok(Self {
            tx: Some(tx),
            thread: Some(thread),
            gateway_id,
            next_key: 0,
            base_unix_us,
            base_instant: Instant::now(),
            metrics,
        })
    }

    /// Microseconds since the Unix epoch at `at`.
    pub fn unix_us(&self, at: Instant) -> i64 {
        let since = at.saturating_duration_since(self.base_instant).as_micros() as i64;
        self.base_unix_us + since
    }

    /// Opens a new track file for `party`'s `kind` in `room`.
    pub fn open(
        &mut self,
        room: InteractionId,
        party: Party,
        kind: TrackKind,
        mime: &str,
        clock_rate: u32,
        now: Instant,
    ) -> TrackKey {
        self.next_key += 1;
        let key = TrackKey(self.next_key);
        let header = TrackHeader {
            version: raw::FORMAT_VERSION,
            interaction_id: room,
            party,
            kind,
            mime: mime.to_owned(),
            clock_rate,
            gateway_id: self.gateway_id.clone(),
            opened_at_us: self.unix_us(now),
        };
        self.send(Op::Open { key, header: Box::new(header) }, true);
        key
    }

    /// Appends one packet (never blocks: a full queue drops it).
    #[allow(clippy::too_many_arguments)]
    pub fn packet(
        &mut self,
        key: TrackKey,
        at: Instant,
        ssrc: u32,
        seq: u16,
        timestamp: u32,
        marker: bool,
        payload_type: u8,
        payload: &[u8],
    ) {
        let mut record = Vec::with_capacity(4 + raw::RECORD_FIXED + payload.len());
        raw::encode_packet(
            &mut record,
            self.unix_us(at),
            ssrc,
            seq,
            timestamp,
            marker,
            payload_type,
            payload,
        );
        self.send(Op::Packet { key, record }, false);
    }

    /// Closes one track file (its party left or reconnected).
    pub fn close(&mut self, key: TrackKey) {
        self.send(Op::Close { key }, true);
    }

    /// Closes every file of the room and releases its lock.
    pub fn close_room(&mut self, room: InteractionId) {
        self.send(Op::CloseRoom { room }, true);
    }

    /// Control operations wait for room in the queue (they are rare);
    /// packets are dropped when it is full.
    fn send(&self, op: Op, wait: bool) {
        let Some(tx) = &self.tx else { return };
        let sent = if wait { tx.send(op).is_ok() } else { tx.try_send(op).is_ok() };
        if !sent && !wait {
            self.metrics.packets.with_label_values(&["dropped"]).inc();
        }
    }
}

impl Drop for Recorder {
    /// Flushes and closes everything before the gateway goes.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One track file being written.
struct Track {
    room: InteractionId,
    out: Option<BufWriter<File>>,
    path: PathBuf,
}

/// A call's directory and its shared lock.
struct RoomDir {
    _lock: Option<File>,
    tracks: usize,
}

fn writer(root: PathBuf, rx: Receiver<Op>, metrics: RecorderMetrics) {
    let mut tracks: HashMap<TrackKey, Track> = HashMap::new();
    let mut rooms: HashMap<InteractionId, RoomDir> = HashMap::new();
    let mut last_flush = Instant::now();
    let mut last_sync = Instant::now();
    let (written, failed) =
        (metrics.packets.with_label_values(&["written"]), metrics.packets.with_label_values(&["failed"]));
    loop {
        match rx.recv_timeout(FLUSH_EVERY) {
            Ok(Op::Open { key, header }) => {
                let room = header.interaction_id;
                let dir = root.join(room.to_string());
                let entry = rooms.entry(room).or_insert_with(|| RoomDir { _lock: lock_dir(&dir), tracks: 0 });
                entry.tracks += 1;
                let path = dir.join(track_name(&header, key));
                let out = create_track(&path, &header)
                    .map_err(|e| tracing::warn!(path = %path.display(), error = %e, "cannot record a track"))
                    .ok();
                if out.is_some() {
                    tracing::info!(room = %room, party = header.party.as_str(), kind = header.kind.as_str(), path = %path.display(), "recording a track");
                }
                tracks.insert(key, Track { room, out, path });
            }
            Ok(Op::Packet { key, record }) => {
                let Some(track) = tracks.get_mut(&key) else { continue };
                let Some(out) = track.out.as_mut() else {
                    failed.inc();
                    continue;
                };
                match out.write_all(&record) {
                    Ok(()) => written.inc(),
                    Err(e) => {
                        failed.inc();
                        tracing::warn!(path = %track.path.display(), error = %e, "recording stopped: cannot write");
                        track.out = None;
                    }
                }
            }
            Ok(Op::Close { key }) => {
                if let Some(t) = tracks.remove(&key) {
                    finish(t);
                }
            }
            Ok(Op::CloseRoom { room }) => {
                let keys: Vec<TrackKey> =
                    tracks.iter().filter(|(_, t)| t.room == room).map(|(k, _)| *k).collect();
                for key in keys {
                    if let Some(t) = tracks.remove(&key) {
                        finish(t);
                    }
                }
                // Dropping the lock file's handle releases the lock.
                if let Some(r) = rooms.remove(&room) {
                    tracing::info!(room = %room, tracks = r.tracks, "recording closed");
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if last_flush.elapsed() >= FLUSH_EVERY {
            last_flush = Instant::now();
            let sync = last_sync.elapsed() >= SYNC_EVERY;
            if sync {
                last_sync = Instant::now();
            }
            for t in tracks.values_mut() {
                if let Some(out) = t.out.as_mut() {
                    let ok = out.flush().is_ok() && (!sync || out.get_ref().sync_data().is_ok());
                    if !ok {
                        tracing::warn!(path = %t.path.display(), "recording stopped: cannot flush");
                        t.out = None;
                    }
                }
            }
        }
    }
    for (_, t) in tracks.drain() {
        finish(t);
    }
}

fn finish(t: Track) {
    if let Some(mut out) = t.out {
        let _ = out.flush();
        let _ = out.get_ref().sync_all();
    }
}

/// `client-audio-<unix ms>-<n>.vrec`: sorts by party, kind, then time.
fn track_name(h: &TrackHeader, key: TrackKey) -> String {
    format!(
        "{}-{}-{}-{}.{}",
        h.party.as_str(),
        h.kind.as_str(),
        h.opened_at_us / 1000,
        key.0,
        raw::TRACK_EXTENSION
    )
}

fn create_track(path: &Path, header: &TrackHeader) -> std::io::Result<BufWriter<File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    out.write_all(&raw::encode_header(header))?;
    out.flush()?;
    Ok(out)
}

/// Takes the shared lock of a call's directory (created if needed).
fn lock_dir(dir: &Path) -> Option<File> {
    let open = || -> std::io::Result<File> {
        std::fs::create_dir_all(dir)?;
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(LOCK_FILE))?;
        match f.try_lock_shared() {
            Ok(()) => Ok(f),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(std::io::Error::other("vc-records is merging this call"))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    };
    open()
        .map_err(|e| tracing::warn!(dir = %dir.display(), error = %e, "recording without the directory lock"))
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use vc_protocol::recording::TrackReader;

    fn metrics() -> RecorderMetrics {
        RecorderMetrics {
            packets: prometheus::IntCounterVec::new(prometheus::Opts::new("p", "p"), &["outcome"]).unwrap(),
        }
    }

    #[test]
    fn packets_are_on_disk_soon_and_the_lock_is_held_until_the_room_closes() {
        let root = tempfile::tempdir().unwrap();
        let m = metrics();
        let mut rec = Recorder::start(root.path().to_owned(), "gw".into(), m.clone()).unwrap();
        let room = InteractionId::new();
        let t0 = Instant::now();
        let key = rec.open(room, Party::Client, TrackKind::Audio, "audio/opus", 48_000, t0);
        for i in 0..50u16 {
            rec.packet(
                key,
                t0 + Duration::from_millis(20 * i as u64),
                9,
                i,
                960 * i as u32,
                false,
                111,
                &[0xf8, 0xff, 0xfe],
            );
        }
        // Without closing anything, the records reach the file (a killed
        // gateway leaves them).
        std::thread::sleep(FLUSH_EVERY * 3);
        let dir = root.path().join(room.to_string());
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "vrec"))
            .unwrap();
        let mut r = TrackReader::open(File::open(&file).unwrap()).unwrap();
        assert_eq!((r.header.party, r.header.kind), (Party::Client, TrackKind::Audio));
        let mut seqs = Vec::new();
        while let Some(p) = r.next_packet().unwrap() {
            seqs.push(p.seq);
        }
        assert_eq!(seqs, (0..50).collect::<Vec<_>>());
        // The gateway holds the lock: an exclusive taker is refused.
        let lock = File::open(dir.join(LOCK_FILE)).unwrap();
        assert!(lock.try_lock().is_err(), "the lock is free while recording");
        rec.close_room(room);
        std::thread::sleep(FLUSH_EVERY * 2);
        assert!(lock.try_lock().is_ok(), "the lock is still held after the room closed");
        assert_eq!(m.packets.with_label_values(&["written"]).get(), 50);
    }
}
