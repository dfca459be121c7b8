// Shared helpers of the browser tests. The platform is started by the Rust
// system test (tests/system/browser.rs), which passes its address and an
// agent's credentials in the environment.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

export const BASE = process.env.VC_BASE_URL ?? 'http://127.0.0.1:8080';
export const AGENT_LOGIN = process.env.VC_AGENT_LOGIN ?? 'agent1';
export const AGENT_PASSWORD = process.env.VC_AGENT_PASSWORD ?? 'agent-pass-1';
export const ADMIN_LOGIN = process.env.VC_ADMIN_LOGIN ?? 'admin';
export const ADMIN_PASSWORD = process.env.VC_ADMIN_PASSWORD ?? 'admin-pass-123';

/** Chromium with fake camera and microphone (flags from NOTES-webrtc.md). */
export async function launch(extraArgs = [], { fakeUi = true } = {}) {
  return chromium.launch({
    executablePath: process.env.VC_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      ...(fakeUi ? ['--use-fake-ui-for-media-stream'] : []),
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

/**
 * A browser context (one person) with camera and microphone allowed.
 * `contextOptions`: more Playwright context options (e.g. `geolocation`).
 */
export async function person(browser, { locale = 'en-US', permissions = ['camera', 'microphone'], contextOptions = {} } = {}) {
  const context = await browser.newContext({
    locale,
    permissions,
    // Test platforms on HTTPS use a certificate generated at start.
    ignoreHTTPSErrors: true,
    ...contextOptions,
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (process.env.VC_E2E_VERBOSE) console.log(`[${locale}] ${m.type()}: ${m.text()}`);
  });
  return { context, page };
}

export const tid = (id) => `[data-testid="${id}"]`;

/** Signs the agent in through the console and creates an interaction; returns the client link. */
export async function agentStartsCall(page, { mode = 'two_way', quality } = {}) {
  await agentSignsIn(page);
  await page.selectOption(tid('video-mode'), mode);
  if (quality) await page.selectOption(tid('quality-select'), quality);
  await page.click(tid('create-interaction'));
  const link = page.locator(tid('client-link'));
  await link.waitFor();
  await page.waitForFunction((sel) => /\/c\/[A-Za-z0-9_-]{20,}/.test(document.querySelector(sel)?.textContent ?? ''), tid('client-link'));
  const url = (await link.textContent()).trim();
  assert.match(url, /\/c\/[A-Za-z0-9_-]{20,}$/);
  return url;
}

/** The client opens the link, consents and joins. */
export async function clientJoins(page, url) {
  await page.goto(`${url}?lang=en`);
  await page.check(tid('consent'));
  await page.click(tid('join'));
}

/** Waits until the status element says `status`. */
export async function statusIs(page, status, timeout = 15000) {
  await page.waitForFunction(
    ([sel, s]) => document.querySelector(sel)?.textContent?.trim() === s,
    [tid('interaction-status'), status],
    { timeout },
  );
}

/** Video frames the element decodes within `ms` (requestVideoFrameCallback). */
export async function framesIn(page, selector, ms = 2000) {
  return page.evaluate(
    ([sel, ms]) =>
      new Promise((resolve) => {
        const v = document.querySelector(sel);
        if (!v || typeof v.requestVideoFrameCallback !== 'function') return resolve(0);
        let n = 0;
        const tick = () => {
          n += 1;
          v.requestVideoFrameCallback(tick);
        };
        v.requestVideoFrameCallback(tick);
        setTimeout(() => resolve(n), ms);
      }),
    [selector, ms],
  );
}

/** Waits until the remote video decodes frames steadily. */
export async function receivesVideo(page, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let last = 0;
  while (Date.now() < deadline) {
    last = await framesIn(page, tid('remote-video'), 1000);
    if (last >= 5) return last;
  }
  assert.fail(`remote video decoded only ${last} frames per second`);
}

/** Loudness (RMS, 0..1) of the sound the page plays from its remote <audio>. */
export async function remoteAudioLevel(page, ms = 1500) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const el = [...document.querySelectorAll('audio')].find((a) => a.srcObject);
        if (!el) return resolve(0);
        const ctx = new AudioContext();
        const src = ctx.createMediaStreamSource(el.srcObject);
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        src.connect(analyser);
        const buf = new Float32Array(analyser.fftSize);
        let peak = 0;
        const timer = setInterval(() => {
          analyser.getFloatTimeDomainData(buf);
          let sum = 0;
          for (const x of buf) sum += x * x;
          peak = Math.max(peak, Math.sqrt(sum / buf.length));
        }, 50);
        setTimeout(() => {
          clearInterval(timer);
          ctx.close();
          resolve(peak);
        }, ms);
      }),
    ms,
  );
}

export async function receivesAudio(page, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let level = 0;
  while (Date.now() < deadline) {
    level = await remoteAudioLevel(page);
    if (level > 0.01) return level;
  }
  assert.fail(`remote audio stays silent (peak RMS ${level})`);
}

export async function visible(page, id, timeout = 15000) {
  await page.waitForSelector(tid(id), { state: 'visible', timeout });
}

export async function hidden(page, id, timeout = 15000) {
  await page.waitForSelector(tid(id), { state: 'hidden', timeout });
}

/** Signs an agent (the test's own unless named) in through the console, in the UI language `lang`. */
export async function agentSignsIn(page, { lang = 'en', login = AGENT_LOGIN, password = AGENT_PASSWORD } = {}) {
  await page.goto(`${BASE}/agent/?lang=${lang}`);
  await page.fill(tid('login-username'), login);
  await page.fill(tid('login-password'), password);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('create-interaction'));
}

/** Creates an interaction from the console's form with the client's contacts; waits for its panel. */
export async function agentCreates(page, { name, phone, email, telegram, mode = 'two_way' } = {}) {
  if (name) await page.fill(tid('client-name'), name);
  if (phone) await page.fill(tid('client-phone'), phone);
  if (email) await page.fill(tid('client-email'), email);
  if (telegram) await page.fill(tid('client-telegram'), telegram);
  await page.selectOption(tid('video-mode'), mode);
  await page.click(tid('create-interaction'));
  await page.waitForSelector(tid('interaction-panel'));
}

/** Selector of the delivery rows (newest first), optionally of one channel / status. */
export function deliveryRows({ channel, status, reason } = {}) {
  let sel = `${tid('delivery-status')} ${tid('delivery')}`;
  if (channel) sel += `[data-channel="${channel}"]`;
  if (status) sel += `[data-status="${status}"]`;
  if (reason) sel += `[data-reason="${reason}"]`;
  return sel;
}

/** Waits until the console has learnt the channels and enables `send-<channel>`. */
export async function sendEnabled(page, channel, timeout = 15000) {
  await page.waitForSelector(`${tid(`send-${channel}`)}:not([disabled])`, { timeout });
}

// ---- the REST API from the test itself ----

/** A JSON REST call from the test itself: `{ status, body }`. */
export async function rest(method, path, token, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** An access token of `login` over the REST API (asserts the sign-in). */
export async function apiToken(login, password) {
  const r = await rest('POST', '/api/auth/login', null, { login, password });
  assert.equal(r.status, 200, `${login} signs in over the API: ${JSON.stringify(r.body)}`);
  return r.body.access_token;
}

/** The agent's access token, for checks over the REST API. */
export async function agentToken() {
  return apiToken(AGENT_LOGIN, AGENT_PASSWORD);
}

/** The admin's access token (VC_ADMIN_LOGIN / VC_ADMIN_PASSWORD). */
export async function adminToken() {
  return apiToken(ADMIN_LOGIN, ADMIN_PASSWORD);
}

/** A section of the admins' settings (`branding`, `features`, `survey`, ...) as stored. */
export async function getSettings(token, section) {
  const r = await rest('GET', `/api/settings/${section}`, token);
  assert.equal(r.status, 200, `GET /api/settings/${section}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Puts a whole settings section; returns what the server stored. */
export async function putSettings(token, section, body) {
  const r = await rest('PUT', `/api/settings/${section}`, token, body);
  assert.equal(r.status, 200, `PUT /api/settings/${section}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Changes some keys of a settings section (read, merged, put); returns what the server stored. */
export async function changeSettings(token, section, changes) {
  return putSettings(token, section, { ...(await getSettings(token, section)), ...changes });
}

/** A new interaction over REST (staff `token`); its id, its client link on this platform and the answer. */
export async function newInteraction(token, request = { video_mode: 'two_way' }) {
  const r = await rest('POST', '/api/interactions', token, request);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const link = r.body.client_url.split('/').pop();
  return { id: r.body.id, url: `${BASE}/c/${link}`, body: r.body };
}

// ---- chat and files ----

/** Agent and client in a call (both pages say `active`). */
export async function callUp(browser, { mode = 'two_way' } = {}) {
  const agent = await person(browser);
  const client = await person(browser);
  const url = await agentStartsCall(agent.page, { mode });
  await clientJoins(client.page, url);
  await statusIs(agent.page, 'active', 30000);
  await statusIs(client.page, 'active', 30000);
  return { agent, client, url };
}

/** What the client page keeps of its join: `{ client_token, interaction_id }`. */
export async function clientRecord(page) {
  return page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i);
      if (key?.startsWith('va.client.')) return JSON.parse(sessionStorage.getItem(key));
    }
    return null;
  });
}

/** Opens the page's chat panel unless it is open. */
export async function openChat(page) {
  const toggle = page.locator(tid('chat-toggle'));
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.waitForSelector(`${tid('chat-input')}:visible`);
}

/** Closes the page's chat panel if it is open. */
export async function closeChat(page) {
  const toggle = page.locator(tid('chat-toggle'));
  if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
  await page.waitForSelector(tid('chat-input'), { state: 'hidden' });
}

/** Types and sends a chat message through the page. */
export async function sendChat(page, text) {
  await page.fill(tid('chat-input'), text);
  await page.click(tid('chat-send'));
}

/** The page's chat messages in order: `{ seq, from, pending, failed, text, fileId }`. */
export async function chatMessages(page) {
  return page.$$eval(`${tid('chat-messages')} > ${tid('chat-message')}`, (nodes) =>
    nodes.map((n) => ({
      seq: n.dataset.seq ? Number(n.dataset.seq) : null,
      from: n.dataset.from,
      pending: n.dataset.pending === 'true',
      failed: n.dataset.failed ?? null,
      text: n.querySelector('[data-testid="chat-text"]')?.textContent ?? '',
      fileId: n.querySelector('[data-testid="file-message"]')?.dataset.fileId ?? null,
    })),
  );
}

/** Waits until the page shows, stored (not pending), a message with exactly `text`. */
export async function chatShows(page, text, timeout = 15000) {
  await page.waitForFunction(
    ([list, item, t]) =>
      [...document.querySelectorAll(`${list} > ${item}`)].some(
        (n) => n.dataset.seq && n.dataset.pending !== 'true' && n.querySelector('[data-testid="chat-text"]')?.textContent === t,
      ),
    [tid('chat-messages'), tid('chat-message'), text],
    { timeout },
  );
}

/** Waits until nothing the page sent is still waiting for the server. */
export async function nothingPending(page, timeout = 15000) {
  await page.waitForFunction(
    (sel) => document.querySelectorAll(sel).length === 0,
    `${tid('chat-message')}[data-pending="true"]`,
    { timeout },
  );
}

/**
 * Asserts the chat is whole: seqs strictly increasing (no duplicates) and,
 * when given, exactly these texts in this order.
 */
export async function assertChat(page, texts, label) {
  const messages = await chatMessages(page);
  const seqs = messages.map((m) => m.seq);
  assert.ok(seqs.every((s) => Number.isInteger(s)), `${label}: every message is stored: ${JSON.stringify(messages)}`);
  for (let i = 1; i < seqs.length; i += 1) assert.ok(seqs[i] > seqs[i - 1], `${label}: in seq order, once each: ${seqs}`);
  if (texts) assert.deepEqual(messages.map((m) => m.text), texts, `${label}: the messages, in order`);
  return messages;
}

/** SHA-256 (hex) of a file on disk, streamed. */
export async function sha256File(path) {
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Writes a file of `size` bytes of cheap pseudo-random content (one random
 * MiB, each copy stamped with its index), streamed; returns its SHA-256.
 */
export async function writeRandomFile(path, size) {
  const { createHash, randomBytes } = await import('node:crypto');
  const { createWriteStream } = await import('node:fs');
  const { once } = await import('node:events');
  const block = randomBytes(1 << 20);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let offset = 0, i = 0; offset < size; offset += block.length, i += 1) {
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - offset)));
    if (chunk.length >= 8) chunk.writeBigUInt64LE(BigInt(i), 0);
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** A sparse file of `size` zero bytes (no disk space, instant). */
export async function writeSparseFile(path, size) {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'w');
  await fh.truncate(size);
  await fh.close();
}

/**
 * Records, in the page, every value a `<progress>` with this hook takes
 * (read it back with `progressSeen`).
 */
export async function recordProgress(page, testid) {
  await page.evaluate((id) => {
    const seen = (window.__progress ??= {});
    seen[id] = [];
    const note = (n) => {
      if (n instanceof HTMLProgressElement && n.dataset.testid === id) seen[id].push(n.value);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        note(r.target);
        for (const n of r.addedNodes) if (n instanceof Element) n.querySelectorAll('progress').forEach(note);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  }, testid);
}

export async function progressSeen(page, testid) {
  return page.evaluate((id) => window.__progress?.[id] ?? [], testid);
}

/** Writes a `w` x `h` RGB PNG (a colour gradient) to `path`. */
export async function writePng(path, w, h) {
  const { deflateSync, crc32 } = await import('node:zlib');
  const { writeFile } = await import('node:fs/promises');
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = x % 256;
      raw[o + 1] = y % 256;
      raw[o + 2] = 128;
    }
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  await writeFile(path, Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/**
 * Polls `check` (async; truthy when done) every `every` ms until it holds or
 * `timeout` ms have passed; then fails naming `what`. An error `check`
 * throws ends the wait at once.
 */
export async function waitFor(check, { timeout = 15000, every = 500, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) assert.fail(`waited ${timeout} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
