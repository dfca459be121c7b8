// Files in the call's chat, as people send them: a 100 MiB file from the
// client to the agent (progress on both sides, the bytes the agent saves
// are the bytes the client sent), the size limit (in the page, and at the
// server for a page that skips the check), a cancelled upload, and a file
// of another interaction that a client cannot read.
//
// VC_E2E_OUT (set by tests/system/browser.rs): a JSON file this script
// writes `{"no_files": [<interaction id>, ...]}` to, for the Rust side to
// check that nothing of the refused and cancelled uploads was stored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, callUp, tid, openChat, chatMessages, nothingPending, agentToken, rest, clientRecord, sha256File,
  writeRandomFile, writeSparseFile, writePng, recordProgress, progressSeen, BASE,
} from './lib.mjs';

const MIB = 1024 * 1024;
const LIMIT = 100 * MIB;
const dir = join(tmpdir(), `va-e2e-files-${process.pid}`);
const noFiles = [];

async function scratch(name) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}

after(async () => {
  await rm(dir, { recursive: true, force: true });
  if (process.env.VC_E2E_OUT) await writeFile(process.env.VC_E2E_OUT, JSON.stringify({ no_files: noFiles }));
});

test('a 100 MiB file from the client reaches the agent byte for byte, with progress on both sides', async () => {
  // A name in Cyrillic with spaces travels percent-encoded and comes back the same.
  const name = 'отчёт 100 MiB.bin';
  const path = await scratch(name);
  const sha = await writeRandomFile(path, LIMIT);
  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser, { mode: 'one_way' });
    await openChat(client.page);
    await openChat(agent.page);

    await recordProgress(client.page, 'upload-progress');
    await client.page.setInputFiles(tid('file-input'), path);

    // The agent sees the file message: name, size, and the server's SHA-256.
    const fileMessage = agent.page.locator(tid('file-message'));
    await fileMessage.waitFor({ timeout: 120000 });
    assert.equal(await fileMessage.getAttribute('data-sha256'), sha, 'the server hashed what the client sent');
    assert.equal(await fileMessage.getAttribute('data-size'), String(LIMIT));
    assert.equal((await agent.page.textContent(tid('file-name'))).trim(), name);
    assert.match(await agent.page.textContent(tid('file-size')), /^100\sMB$/);
    assert.equal(await agent.page.getAttribute(tid('file-icon'), 'data-kind'), 'other');
    const fileId = await fileMessage.getAttribute('data-file-id');
    assert.ok(fileId);

    // On the client: the upload row is gone, its message is stored, once.
    await client.page.waitForSelector(tid('upload'), { state: 'detached' });
    await nothingPending(client.page);
    const mine = (await chatMessages(client.page)).filter((m) => m.fileId === fileId);
    assert.equal(mine.length, 1, 'the file message shows once on the client');
    assert.equal((await chatMessages(agent.page)).filter((m) => m.fileId === fileId).length, 1, 'and once on the agent');
    const seen = await progressSeen(client.page, 'upload-progress');
    assert.ok(seen.some((v) => v > 0 && v < 100), `the upload showed progress: ${seen.join(',')}`);

    // The agent downloads it, with progress; the saved bytes are the sent bytes.
    await recordProgress(agent.page, 'file-progress');
    const [download] = await Promise.all([
      agent.page.waitForEvent('download', { timeout: 120000 }),
      agent.page.click(tid('file-download')),
    ]);
    assert.equal(download.suggestedFilename(), name);
    const saved = await download.path();
    assert.equal(await sha256File(saved), sha, 'the agent saved exactly the client’s file');
    const downloadSeen = await progressSeen(agent.page, 'file-progress');
    assert.ok(downloadSeen.some((v) => v > 0), `the download showed progress: ${downloadSeen.join(',')}`);
    assert.equal(downloadSeen.at(-1), 100);
    await download.delete();

    // The other way: a picture from the agent shows on the client as a thumbnail.
    const picture = await scratch('meter.png');
    await writePng(picture, 400, 300);
    await agent.page.setInputFiles(tid('file-input'), picture);
    const thumb = client.page.locator(`${tid('file-message')}[data-kind="image"] ${tid('file-thumbnail')}`);
    await thumb.waitFor({ timeout: 15000 });
    assert.match(await thumb.getAttribute('src'), /^blob:/, 'fetched with the token, shown from an object URL');
    await client.page.waitForFunction((sel) => document.querySelector(sel)?.naturalWidth > 0, tid('file-thumbnail'));
    assert.equal((await client.page.textContent(`${tid('file-message')}[data-kind="image"] ${tid('file-name')}`)).trim(), 'meter.png');
  } finally {
    await browser.close();
    await rm(path, { force: true });
  }
});

test('too large, cancelled, and another interaction’s file: refused, and nothing is stored', async () => {
  const browser = await launch();
  try {
    const { client } = await callUp(browser, { mode: 'one_way' });
    await openChat(client.page);
    const record = await clientRecord(client.page);
    assert.ok(record?.client_token && record.interaction_id, 'the client page keeps its token');
    noFiles.push(record.interaction_id);
    const uploads = [];
    client.page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/interactions\/[^/]+\/files$/.test(new URL(r.url()).pathname)) uploads.push(r.url());
    });

    // 100 MiB + 1 byte: the page says so and sends nothing.
    const tooBig = await scratch('too-big.bin');
    await writeSparseFile(tooBig, LIMIT + 1);
    await client.page.setInputFiles(tid('file-input'), tooBig);
    await client.page.waitForSelector(`${tid('chat-error')}:visible`);
    const error = await client.page.textContent(tid('chat-error'));
    assert.match(error, /too-big\.bin/);
    assert.match(error, /100\sMB/);
    assert.equal(await client.page.locator(tid('upload')).count(), 0, 'no upload started');
    assert.deepEqual(uploads, [], 'nothing was sent to the server');

    // A page that skips the check: the server refuses 100 MiB + 1 byte with 413.
    const direct = await client.page.evaluate(async ([id, token, size]) => {
      const res = await fetch(`/api/interactions/${id}/files`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'X-File-Name': 'direct.bin', 'Content-Type': 'application/octet-stream' },
        body: new Blob([new Uint8Array(size)]),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    }, [record.interaction_id, record.client_token, LIMIT + 1]);
    assert.equal(direct.status, 413, JSON.stringify(direct));
    assert.equal(direct.body?.code, 'file_too_large');
    uploads.length = 0;

    // An upload cancelled midway leaves no message and no file.
    const slow = await scratch('cancelled.bin');
    await writeSparseFile(slow, 20 * MIB);
    const cdp = await client.context.newCDPSession(client.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * MIB,
    });
    await client.page.setInputFiles(tid('file-input'), slow);
    await client.page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.value ?? 0) >= 5,
      tid('upload-progress'),
      { timeout: 30000 },
    );
    await client.page.click(tid('file-cancel'));
    await client.page.waitForSelector(tid('upload'), { state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.equal(uploads.length, 1, 'one upload was started, then cancelled');
    await client.page.waitForTimeout(1500);
    assert.equal(await client.page.locator(tid('file-message')).count(), 0, 'no file message for a cancelled upload');
    assert.equal(await client.page.locator(tid('chat-error')).isVisible(), false, 'cancelling is not an error');

    // The agent's view of this interaction: no files at all.
    const staff = await agentToken();
    const listed = await rest('GET', `/api/interactions/${record.interaction_id}/files`, staff);
    assert.equal(listed.status, 200, JSON.stringify(listed));
    assert.deepEqual(listed.body, [], 'nothing stored for the refused and cancelled uploads');
    const history = await rest('GET', `/api/interactions/${record.interaction_id}/messages`, staff);
    assert.equal(history.status, 200, JSON.stringify(history));
    assert.deepEqual(history.body.items, [], 'no chat message either');

    // Another interaction's file: this client cannot read it.
    const other = await rest('POST', '/api/interactions', staff, { video_mode: 'two_way' });
    assert.equal(other.status, 201, JSON.stringify(other));
    const link = other.body.client_url.split('/').pop();
    const joined = await rest('POST', `/api/join/${link}`, null, { consent: true });
    assert.equal(joined.status, 200, JSON.stringify(joined));
    const up = await fetch(`${BASE}/api/interactions/${other.body.id}/files`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${joined.body.client_token}`, 'X-File-Name': 'secret.txt' },
      body: 'the other client’s secret',
    });
    assert.equal(up.status, 201);
    const secret = await up.json();
    const stolen = await client.page.evaluate(async ([id, token]) => {
      const get = async (path) => (await fetch(path, { headers: { Authorization: `Bearer ${token}` } })).status;
      return { file: await get(`/api/files/${id}`), thumbnail: await get(`/api/files/${id}/thumbnail`) };
    }, [secret.id, record.client_token]);
    assert.equal(stolen.file, 403, 'another interaction’s file is forbidden');
    assert.ok([403, 404].includes(stolen.thumbnail), `and so is its thumbnail (${stolen.thumbnail})`);
    const theirList = await client.page.evaluate(async ([id, token]) => (await fetch(`/api/interactions/${id}/files`, { headers: { Authorization: `Bearer ${token}` } })).status, [other.body.id, record.client_token]);
    assert.equal(theirList, 403, 'and the other interaction’s list');
  } finally {
    await browser.close();
  }
});
