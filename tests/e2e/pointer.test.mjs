// The agent's pointer on the client's video: the agent clicks at a known
// spot of the client's picture (as the agent sees it: unmirrored, letterboxed
// in its stage) and the client's page draws the pointer and a click ripple
// on the same spot of its own, mirrored, self-view. The pointer travels on
// the `collab` data channel, relayed by the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentStartsCall, clientJoins, statusIs, receivesVideo, framesIn, visible, hidden, tid } from './lib.mjs';

/**
 * Where a video element draws its frame, in viewport px: the content box,
 * the fit (`contain` / `cover`, centred) and a left-right mirror. Written
 * here independently of the pages' own mapping (pointer/geometry.ts).
 */
async function videoLayout(page, testid) {
  return page.evaluate((sel) => {
    const v = document.querySelector(sel);
    const r = v.getBoundingClientRect();
    const s = getComputedStyle(v);
    const m = /^matrix\(([^,]+),[^,]+,[^,]+,([^,]+),/.exec(s.transform);
    return {
      left: r.left + v.clientLeft,
      top: r.top + v.clientTop,
      width: v.clientWidth,
      height: v.clientHeight,
      vw: v.videoWidth,
      vh: v.videoHeight,
      fit: s.objectFit,
      mirrored: !!m && Number(m[1]) < 0 && Number(m[2]) > 0,
    };
  }, tid(testid));
}

/** The viewport point where the frame fraction (fx, fy) is drawn. */
function framePoint(l, fx, fy) {
  const scale = l.fit === 'cover' ? Math.max(l.width / l.vw, l.height / l.vh) : Math.min(l.width / l.vw, l.height / l.vh);
  const w = l.vw * scale;
  const h = l.vh * scale;
  const ux = (l.width - w) / 2 + fx * w;
  const y = (l.height - h) / 2 + fy * h;
  return { x: l.left + (l.mirrored ? l.width - ux : ux), y: l.top + y };
}

async function centreOf(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el || el.hidden) return null;
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, selector);
}

/** Waits until the element's centre stops moving (the dot glides for 60 ms), then checks it is within `tol` px of `want`. */
async function settlesAt(page, selector, want, tol, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let got = null;
  let prev = null;
  while (Date.now() < deadline) {
    got = await centreOf(page, selector);
    if (got && prev && got.x === prev.x && got.y === prev.y) break;
    prev = got;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.ok(
    got && Math.abs(got.x - want.x) <= tol.x && Math.abs(got.y - want.y) <= tol.y,
    `${selector} at ${JSON.stringify(got)}, expected ${JSON.stringify(want)} ± ${JSON.stringify(tol)}`,
  );
  return got;
}

test('the agent points and clicks on the client video; the client sees it on the same spot of its self-view', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    await agent.page.setViewportSize({ width: 1280, height: 1000 });
    const url = await agentStartsCall(agent.page, { mode: 'two_way' });
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 20000);
    assert.ok((await receivesVideo(agent.page)) >= 5);

    // Off by default: the layer lets the mouse through.
    await visible(agent.page, 'pointer-toggle');
    assert.equal(await agent.page.getAttribute(tid('pointer-layer'), 'data-on'), 'false');
    assert.equal(await client.page.locator(tid('pointer-layer')).count(), 1);
    await agent.page.click(tid('pointer-toggle'));
    assert.equal(await agent.page.getAttribute(tid('pointer-layer'), 'data-on'), 'true');
    assert.equal(await agent.page.getAttribute(tid('pointer-toggle'), 'aria-pressed'), 'true');

    await agent.page.locator(tid('remote-video')).scrollIntoViewIfNeeded();
    const a = await videoLayout(agent.page, 'remote-video');
    assert.equal(a.mirrored, false, 'the agent sees the client unmirrored');
    assert.ok(a.vw > 0 && a.vh > 0, 'the agent decodes the client video');
    const target = framePoint(a, 0.3, 0.7);

    // The pointer goes out on the first move (and every second after, so a
    // channel that opens later still gets it).
    await agent.page.mouse.move(target.x - 20, target.y - 20);
    await agent.page.mouse.move(target.x, target.y, { steps: 4 });
    await visible(client.page, 'remote-pointer', 20000);

    const c = await videoLayout(client.page, 'local-video');
    assert.equal(c.mirrored, true, 'the client sees itself mirrored (front camera)');
    const want = framePoint(c, 0.3, 0.7);
    // Within 2% of the displayed frame's size.
    const tol = { x: 0.02 * c.width, y: 0.02 * c.height };
    const got = await settlesAt(client.page, tid('remote-pointer'), want, tol);
    const fx = await client.page.getAttribute(tid('remote-pointer'), 'data-x');
    const fy = await client.page.getAttribute(tid('remote-pointer'), 'data-y');
    console.log(`agent point ${target.x.toFixed(1)},${target.y.toFixed(1)} -> frame ${fx},${fy} -> client ${got.x.toFixed(1)},${got.y.toFixed(1)} (want ${want.x.toFixed(1)},${want.y.toFixed(1)})`);
    assert.ok(Math.abs(Number(fx) - 0.3) < 0.02 && Math.abs(Number(fy) - 0.7) < 0.02, `frame ${fx},${fy}`);
    // Mirrored: 30% from the left of the picture is right of the self-view's centre.
    assert.ok(got.x > c.left + c.width / 2, 'the mirror is accounted for');

    // A click: a ripple on the client's view at the same spot.
    const clicksBefore = Number((await client.page.getAttribute(tid('pointer-layer'), 'data-clicks')) ?? 0);
    await agent.page.mouse.down();
    await agent.page.mouse.up();
    await client.page.waitForSelector(tid('pointer-ripple'), { state: 'attached', timeout: 5000 });
    const ripple = await centreOf(client.page, tid('pointer-ripple'));
    assert.ok(ripple && Math.abs(ripple.x - want.x) <= tol.x && Math.abs(ripple.y - want.y) <= tol.y, `ripple at ${JSON.stringify(ripple)}`);
    await client.page.waitForFunction(
      ([sel, n]) => Number(document.querySelector(sel)?.dataset.clicks ?? 0) > n,
      [tid('pointer-layer'), clicksBefore],
    );
    // The ripple goes away by itself.
    await client.page.waitForSelector(tid('pointer-ripple'), { state: 'detached', timeout: 5000 });

    // The pointer stays while the agent keeps it there (repeated every second).
    await new Promise((r) => setTimeout(r, 3500));
    await visible(client.page, 'remote-pointer', 1000);

    // Into the pillarbox bar (outside the picture): the pointer goes away.
    if (a.width / a.height > a.vw / a.vh + 0.05) {
      const bar = framePoint(a, 0, 0.5);
      await agent.page.mouse.move(Math.max(a.left + 2, bar.x - 15), bar.y, { steps: 3 });
      await hidden(client.page, 'remote-pointer', 1500);
      await agent.page.mouse.move(target.x, target.y, { steps: 3 });
      await visible(client.page, 'remote-pointer', 5000);
    }

    // Switching the pointer off hides it on the client (sooner than the
    // 3 s a silent pointer takes to fade).
    const t0 = Date.now();
    await agent.page.click(tid('pointer-toggle'));
    await hidden(client.page, 'remote-pointer', 1500);
    console.log(`pointer hidden ${Date.now() - t0} ms after switching off`);
    assert.equal(await agent.page.getAttribute(tid('pointer-layer'), 'data-on'), 'false');
    // Moves no longer go out.
    await agent.page.mouse.move(target.x + 5, target.y + 5, { steps: 3 });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(await client.page.isVisible(tid('remote-pointer')), false);

    // The client shares its screen: the agent points on the screen, and the
    // client's self-view (now the screen: unmirrored, whole) shows it there.
    await client.page.click(tid('share-screen'));
    await visible(agent.page, 'remote-screen', 10000);
    // A still screen sends few frames (only on change, and a keyframe when
    // asked): wait until the agent has decoded one of them.
    let screenFrames = 0;
    for (let i = 0; i < 8 && screenFrames < 1; i++) screenFrames = await framesIn(agent.page, tid('remote-video'), 2000);
    assert.ok(screenFrames >= 1, 'the agent decodes the screen');
    await agent.page.click(tid('pointer-toggle'));
    const a2 = await videoLayout(agent.page, 'remote-video');
    const target2 = framePoint(a2, 0.6, 0.4);
    await agent.page.mouse.move(target2.x, target2.y, { steps: 4 });
    await visible(client.page, 'remote-pointer', 10000);
    const c2 = await videoLayout(client.page, 'local-video');
    assert.equal(c2.mirrored, false, 'a shared screen is previewed unmirrored');
    assert.equal(c2.fit, 'contain');
    const want2 = framePoint(c2, 0.6, 0.4);
    const got2 = await settlesAt(client.page, tid('remote-pointer'), want2, { x: 0.02 * c2.width, y: 0.02 * c2.height });
    console.log(`on the shared screen: client ${got2.x.toFixed(1)},${got2.y.toFixed(1)} (want ${want2.x.toFixed(1)},${want2.y.toFixed(1)})`);
    await agent.page.click(tid('pointer-toggle'));
    await hidden(client.page, 'remote-pointer', 1500);
  } finally {
    await browser.close();
  }
});
