// A recorded call between two browsers whose fake microphones play
// different tones (Chromium's --use-file-for-fake-audio-capture): the
// client 440 Hz, the agent 1000 Hz. After the call, the merged recording
// (vc-records) must have the client on the left channel and the agent on
// the right, the client's video, and the call's length; the agent's
// console plays and downloads it, the client cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  launch, person, agentStartsCall, clientJoins, statusIs, receivesAudio, visible, tid,
  agentToken, rest, clientRecord, BASE, sha256File,
} from './lib.mjs';

const run = promisify(execFile);
const RATE = 48000;

/** A mono 16-bit WAV file with a sine tone. */
async function writeToneWav(path, hz, seconds) {
  const n = RATE * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i += 1) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / RATE) * 0.5 * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  await writeFile(path, Buffer.concat([header, data]));
}

/** One channel of the file as 48 kHz float samples (ffmpeg decodes). */
async function channelSamples(file, channel) {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', file, '-af', `pan=mono|c0=c${channel}`, '-ar', String(RATE), '-f', 'f32le', '-'],
    { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
  );
  return new Float32Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 4));
}

/** Power of one frequency in a stretch of samples (Goertzel), in dB. */
function toneDb(samples, hz, fromS, toS) {
  const from = Math.max(0, Math.floor(fromS * RATE));
  const to = Math.min(samples.length, Math.floor(toS * RATE));
  const k = (2 * Math.cos((2 * Math.PI * hz) / RATE));
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i += 1) {
    const s0 = samples[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = (s1 * s1 + s2 * s2 - k * s1 * s2) / Math.max(1, to - from) ** 2;
  return 10 * Math.log10(power + 1e-20);
}

async function probe(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file]);
  return JSON.parse(stdout);
}

test('a recorded call: client left, agent right, the client video, the length of the call', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'va-rec-'));
  const clientWav = join(dir, 'client-440.wav');
  const agentWav = join(dir, 'agent-1000.wav');
  await writeToneWav(clientWav, 440, 20);
  await writeToneWav(agentWav, 1000, 20);
  const agentBrowser = await launch([`--use-file-for-fake-audio-capture=${agentWav}`]);
  const clientBrowser = await launch([`--use-file-for-fake-audio-capture=${clientWav}`]);
  try {
    const agent = await person(agentBrowser);
    const client = await person(clientBrowser);
    const url = await agentStartsCall(agent.page, { mode: 'two_way' });
    const id = await agent.page.getAttribute(tid('interaction-panel'), 'data-id');
    assert.ok(id, 'the panel names its interaction');

    await clientJoins(client.page, url);
    await statusIs(client.page, 'active', 30000);
    const started = Date.now();
    await statusIs(agent.page, 'active', 30000);
    await receivesAudio(agent.page);
    await receivesAudio(client.page);
    // Both sides are told the call is recorded.
    await visible(agent.page, 'recording-indicator');
    await visible(client.page, 'recording-indicator');
    const { client_token: clientToken } = await clientRecord(client.page);

    await new Promise((r) => setTimeout(r, 8000));
    const ended = Date.now();
    await agent.page.click(tid('end-call'));
    await statusIs(agent.page, 'ended');
    const callSeconds = (ended - started) / 1000;

    // The console shows the recording once vc-records has stored it, and plays it.
    await agent.page.waitForSelector(`${tid('recording')}[data-state="ready"]`, { timeout: 120000 });
    await agent.page.waitForSelector(`${tid('recording-player')}[data-loaded="true"]`, { timeout: 30000 });

    const token = await agentToken();
    const got = await rest('GET', `/api/interactions/${id}`, token);
    assert.equal(got.status, 200);
    const rec = got.body.recording;
    assert.ok(rec, 'the interaction has its recording');
    assert.equal(rec.format, 'webm');
    assert.ok(rec.has_video);
    assert.ok(got.body.events.some(({ event: e }) => e.type === 'recording_ready' && e.file_id === rec.file_id));

    // Staff download it; the client may not.
    const res = await fetch(`${BASE}/api/files/${rec.file_id}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^video\/webm/);
    const file = join(dir, 'recording.webm');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    assert.equal(await sha256File(file), rec.sha256);
    const refused = await fetch(`${BASE}/api/files/${rec.file_id}`, { headers: { Authorization: `Bearer ${clientToken}` } });
    assert.equal(refused.status, 403, 'the client cannot download the recording');

    // Exactly two audio channels and a video stream.
    const info = await probe(file);
    const audio = info.streams.filter((s) => s.codec_type === 'audio');
    const video = info.streams.filter((s) => s.codec_type === 'video');
    assert.equal(audio.length, 1);
    assert.equal(audio[0].channels, 2, 'stereo');
    assert.equal(video.length, 1, 'the client video');
    assert.equal(video[0].codec_name, 'vp8', 'the client video as sent (not re-encoded)');
    const duration = Number(info.format.duration);
    assert.ok(Math.abs(duration - callSeconds) <= 1, `recording ${duration}s, call ${callSeconds}s`);
    assert.ok(Math.abs(duration - rec.duration_s) < 0.5);

    // Spectra: the client's tone on the left, the agent's on the right,
    // each at least 30 dB down on the other side.
    const left = await channelSamples(file, 0);
    const right = await channelSamples(file, 1);
    const [from, to] = [1.5, duration - 1];
    const l440 = toneDb(left, 440, from, to);
    const l1000 = toneDb(left, 1000, from, to);
    const r440 = toneDb(right, 440, from, to);
    const r1000 = toneDb(right, 1000, from, to);
    console.log(`left: 440 Hz ${l440.toFixed(1)} dB, 1000 Hz ${l1000.toFixed(1)} dB; right: 440 Hz ${r440.toFixed(1)} dB, 1000 Hz ${r1000.toFixed(1)} dB`);
    assert.ok(l440 - l1000 >= 30, `left: the client's 440 Hz dominates (${l440.toFixed(1)} vs ${l1000.toFixed(1)} dB)`);
    assert.ok(l440 - r440 >= 30, `the client's tone is absent on the right (${l440.toFixed(1)} vs ${r440.toFixed(1)} dB)`);
    assert.ok(r1000 - r440 >= 30, `right: the agent's 1000 Hz dominates (${r1000.toFixed(1)} vs ${r440.toFixed(1)} dB)`);
    assert.ok(r1000 - l1000 >= 30, `the agent's tone is absent on the left (${r1000.toFixed(1)} vs ${l1000.toFixed(1)} dB)`);

    // The console's download saves the same file.
    const [download] = await Promise.all([
      agent.page.waitForEvent('download'),
      agent.page.click(tid('recording-download')),
    ]);
    const saved = join(dir, 'downloaded.webm');
    await download.saveAs(saved);
    assert.equal(await sha256File(saved), rec.sha256);
    assert.match(download.suggestedFilename(), /\.webm$/);
  } finally {
    await agentBrowser.close();
    await clientBrowser.close();
    await rm(dir, { recursive: true, force: true });
  }
});
