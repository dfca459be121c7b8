// Shared helpers of the browser tests. The platform is started by the Rust
// system test (tests/system/browser.rs), which passes its address and an
// agent's credentials in the environment.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

export const BASE = process.env.VC_BASE_URL ?? 'http://127.0.0.1:8080';
export const AGENT_LOGIN = process.env.VC_AGENT_LOGIN ?? 'agent1';
export const AGENT_PASSWORD = process.env.VC_AGENT_PASSWORD ?? 'agent-pass-1';

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

/** A browser context (one person) with camera and microphone allowed. */
export async function person(browser, { locale = 'en-US', permissions = ['camera', 'microphone'] } = {}) {
  const context = await browser.newContext({
    locale,
    permissions,
    // Test platforms on HTTPS use a certificate generated at start.
    ignoreHTTPSErrors: true,
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
  await page.goto(`${BASE}/agent/?lang=en`);
  await page.fill(tid('login-username'), AGENT_LOGIN);
  await page.fill(tid('login-password'), AGENT_PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('create-interaction'));
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

/** Signs the agent in through the console, in the UI language `lang`. */
export async function agentSignsIn(page, { lang = 'en' } = {}) {
  await page.goto(`${BASE}/agent/?lang=${lang}`);
  await page.fill(tid('login-username'), AGENT_LOGIN);
  await page.fill(tid('login-password'), AGENT_PASSWORD);
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
