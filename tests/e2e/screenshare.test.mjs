// Screen sharing. Headless Chromium with `--use-fake-device-for-media-stream
// --use-fake-ui-for-media-stream` (lib.mjs's defaults) answers
// getDisplayMedia({video: true}) at once, without a picker, with a fake
// 1280x720 "screen" (label `screen:…`); no other flag is needed. It draws
// the same green pattern as the fake camera, so the two are told apart by
// shape: the calls here are at 480p, where the fake camera gives 640x480
// (4:3; at 720p it would give 1280x720, like the screen), and the other
// party's video turns 16:9 while the screen replaces the camera on the
// sender, and 4:3 again when it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentStartsCall, clientJoins, statusIs, receivesVideo, framesIn, visible, hidden, tid } from './lib.mjs';

async function remoteSize(page) {
  return page.evaluate((sel) => {
    const v = document.querySelector(sel);
    return { w: v.videoWidth, h: v.videoHeight };
  }, tid('remote-video'));
}

/** Waits until the remote video's size satisfies `ok`; returns it. */
async function remoteSizeBecomes(page, ok, what, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let size = null;
  while (Date.now() < deadline) {
    size = await remoteSize(page);
    if (size.w > 0 && ok(size)) return size;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`remote video never became ${what}: last ${JSON.stringify(size)}`);
}

// Shapes, not sizes: the sender's encoder scales a picture down (and back
// up) as CPU and bandwidth allow, keeping its aspect ratio.
const isScreen = (s) => Math.abs(s.w / s.h - 16 / 9) < 0.05;
const isCamera = (s) => Math.abs(s.w / s.h - 4 / 3) < 0.05;

/** What the page's self-view shows: its track's label, mirroring and fit. */
async function selfView(page) {
  return page.evaluate((sel) => {
    const v = document.querySelector(sel);
    const track = v.srcObject?.getVideoTracks()[0];
    const s = getComputedStyle(v);
    return { label: track?.label ?? '', transform: s.transform, fit: s.objectFit };
  }, tid('local-video'));
}

/** Stops the shared track the way the browser's "Stop sharing" bar does: the track ends. */
async function endSharedTrack(page) {
  await page.evaluate((sel) => {
    const track = document.querySelector(sel).srcObject.getVideoTracks()[0];
    if (!track.label.startsWith('screen')) throw new Error(`not a screen: ${track.label}`);
    track.stop();
    // stop() by script fires no `ended`; the browser's own bar (the source
    // ending) does. Fire it as the browser would.
    track.dispatchEvent(new Event('ended'));
  }, tid('local-video'));
}

async function startCall(browser, mode = 'two_way') {
  const agent = await person(browser);
  const client = await person(browser);
  const url = await agentStartsCall(agent.page, { mode, quality: '480p' });
  await clientJoins(client.page, url);
  await statusIs(agent.page, 'active', 20000);
  await statusIs(client.page, 'active', 20000);
  return { agent, client };
}

test('the agent shares its screen; the client sees it labelled; the camera comes back (button and browser bar)', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await startCall(browser);
    assert.ok((await receivesVideo(client.page)) >= 5);
    const camera = await remoteSizeBecomes(client.page, isCamera, 'the 4:3 camera');
    console.log(`agent camera at the client: ${camera.w}x${camera.h}`);
    await hidden(client.page, 'remote-screen');

    await visible(agent.page, 'share-screen');
    assert.equal(await agent.page.getAttribute(tid('share-screen'), 'aria-pressed'), 'false');
    await agent.page.click(tid('share-screen'));
    await agent.page.waitForSelector(`${tid('share-screen')}[aria-pressed="true"]`);
    const own = await selfView(agent.page);
    assert.match(own.label, /^screen/, 'the agent previews the screen');
    assert.equal(own.transform, 'none', 'the preview of a screen is not mirrored');
    assert.equal(own.fit, 'contain');

    await visible(client.page, 'remote-screen', 10000);
    const screen = await remoteSizeBecomes(client.page, isScreen, 'a 16:9 screen');
    console.log(`agent screen at the client: ${screen.w}x${screen.h}`);
    // A screen keeps its resolution and gives up frame rate first (a couple
    // of frames a second on this loaded 2-core machine): it plays, slowly.
    assert.ok((await framesIn(client.page, tid('remote-video'), 3000)) >= 1, 'the screen plays');
    const look = await client.page.evaluate((sel) => {
      const s = getComputedStyle(document.querySelector(sel));
      return { transform: s.transform, fit: s.objectFit };
    }, tid('remote-video'));
    assert.deepEqual(look, { transform: 'none', fit: 'contain' });
    assert.equal(await client.page.textContent(tid('remote-screen')), 'Screen');

    // Stop with the button: the camera returns.
    await agent.page.click(tid('share-screen'));
    await agent.page.waitForSelector(`${tid('share-screen')}[aria-pressed="false"]`);
    await hidden(client.page, 'remote-screen', 10000);
    await remoteSizeBecomes(client.page, isCamera, 'the 4:3 camera again');
    assert.doesNotMatch((await selfView(agent.page)).label, /^screen/, 'the agent previews the camera again');

    // Share again, then stop from "the browser's bar" (the track ends).
    await agent.page.click(tid('share-screen'));
    await visible(client.page, 'remote-screen', 10000);
    await remoteSizeBecomes(client.page, isScreen, 'a 16:9 screen again');
    await endSharedTrack(agent.page);
    await agent.page.waitForSelector(`${tid('share-screen')}[aria-pressed="false"]`);
    await hidden(client.page, 'remote-screen', 10000);
    await remoteSizeBecomes(client.page, isCamera, 'the 4:3 camera after the track ended');
    assert.ok((await receivesVideo(client.page)) >= 5, 'the camera plays');
  } finally {
    await browser.close();
  }
});

test('the client shares its screen from a desktop browser; the agent sees it; a refused picker changes nothing', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await startCall(browser);
    assert.ok((await receivesVideo(agent.page)) >= 5);
    await remoteSizeBecomes(agent.page, isCamera, 'the 4:3 camera');

    // A refused (or cancelled) picker: no change, no error shown.
    await client.page.evaluate(() => {
      window.__realGetDisplayMedia = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await client.page.click(tid('share-screen'));
    await client.page.waitForSelector(`${tid('share-screen')}:not([disabled])`);
    assert.equal(await client.page.getAttribute(tid('share-screen'), 'aria-pressed'), 'false');
    assert.equal(await client.page.isVisible(tid('share-screen-hint')), false, 'no error for a cancelled picker');
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(isCamera(await remoteSize(agent.page)), 'the agent still sees the camera');
    await hidden(agent.page, 'remote-screen', 1000);

    // Now for real.
    await client.page.evaluate(() => {
      navigator.mediaDevices.getDisplayMedia = window.__realGetDisplayMedia;
    });
    await client.page.click(tid('share-screen'));
    await client.page.waitForSelector(`${tid('share-screen')}[aria-pressed="true"]`);
    const own = await selfView(client.page);
    assert.match(own.label, /^screen/);
    assert.equal(own.transform, 'none', 'the client previews its screen unmirrored');
    await visible(agent.page, 'remote-screen', 10000);
    await remoteSizeBecomes(agent.page, isScreen, 'the client screen');

    await endSharedTrack(client.page);
    await client.page.waitForSelector(`${tid('share-screen')}[aria-pressed="false"]`);
    await hidden(agent.page, 'remote-screen', 10000);
    await remoteSizeBecomes(agent.page, isCamera, 'the client camera again');
    const back = await selfView(client.page);
    assert.doesNotMatch(back.label, /^screen/);
    assert.notEqual(back.transform, 'none', 'the camera preview is mirrored again');
  } finally {
    await browser.close();
  }
});

test('one-way video: the agent cannot share (and is told why); without getDisplayMedia there is no button', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    // A browser without getDisplayMedia (as on phones).
    await client.context.addInitScript(() => {
      delete MediaDevices.prototype.getDisplayMedia;
    });
    const url = await agentStartsCall(agent.page, { mode: 'one_way' });
    await clientJoins(client.page, url);
    await statusIs(client.page, 'active', 20000);
    await agent.page.waitForSelector(`${tid('share-screen')}[disabled]`);
    assert.equal(await agent.page.getAttribute(tid('share-screen'), 'data-why'), 'screen.oneWay');
    await visible(agent.page, 'share-screen-hint');
    assert.match(await agent.page.textContent(tid('share-screen-hint')), /one-way/i);
    assert.equal(await client.page.locator(tid('share-screen')).count(), 1);
    assert.equal(await client.page.isVisible(tid('share-screen')), false, 'no share button without getDisplayMedia');

    // Two-way again: the agent may share.
    await agent.page.selectOption(tid('video-mode'), 'two_way');
    await agent.page.waitForSelector(`${tid('share-screen')}:not([disabled])`, { timeout: 10000 });
    await hidden(agent.page, 'share-screen-hint');
  } finally {
    await browser.close();
  }
});
