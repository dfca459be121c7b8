// Screenshots and drawing on them: the agent grabs the client's video at
// its full received resolution (a JPEG in the chat of both sides), draws a
// red rectangle on it in the editor and sends it; the client's viewer opens
// by itself on the annotated picture, whose pixels are red where the
// rectangle's border was drawn. Then the client takes a screenshot of its
// own view and the agent sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, callUp, receivesVideo, visible, hidden, tid, agentToken, rest, clientRecord, BASE } from './lib.mjs';

/** Width and height from a JPEG's SOFn marker (baseline, progressive, ...). */
function jpegSize(buf) {
  assert.ok(buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8, 'a JPEG (ffd8 magic)');
  let i = 2;
  while (i + 4 <= buf.length) {
    assert.equal(buf[i], 0xff, `a marker at ${i}`);
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    const len = buf.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7), marker };
    i += 2 + len;
  }
  assert.fail('no SOF marker in the JPEG');
}

/** The stored file's bytes (`GET /api/files/{id}` with a bearer token). */
async function download(id, token) {
  const res = await fetch(`${BASE}/api/files/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `download ${id}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The interaction's stored files (FileInfo list). */
async function filesOf(interactionId, token) {
  const r = await rest('GET', `/api/interactions/${encodeURIComponent(interactionId)}/files`, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function videoSize(page, id) {
  return page.$eval(tid(id), (v) => ({ width: v.videoWidth, height: v.videoHeight }));
}

/** Clicks `take-screenshot` once it is enabled; the stored file's id and the captured size. */
async function takeScreenshot(page, videoId) {
  await page.waitForSelector(`${tid('take-screenshot')}:not([disabled])`, { timeout: 20000 });
  const before = await videoSize(page, videoId);
  const previous = await page.getAttribute(tid('take-screenshot'), 'data-last-file-id');
  await page.click(tid('take-screenshot'));
  const after = await videoSize(page, videoId);
  await page.waitForFunction(
    ([sel, prev]) => {
      const id = document.querySelector(sel)?.dataset.lastFileId;
      return id && id !== prev;
    },
    [tid('take-screenshot'), previous],
    { timeout: 20000 },
  );
  const b = page.locator(tid('take-screenshot'));
  return {
    id: await b.getAttribute('data-last-file-id'),
    width: Number(await b.getAttribute('data-last-width')),
    height: Number(await b.getAttribute('data-last-height')),
    before,
    after,
  };
}

async function fileMessageShown(page, fileId, timeout = 15000) {
  await page.waitForSelector(`${tid('chat-messages')} ${tid('file-message')}[data-file-id="${fileId}"]`, { state: 'attached', timeout });
}

test('screenshots of the call, drawn on and viewed on both sides', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser);
    await agent.page.setViewportSize({ width: 1280, height: 1000 });
    assert.ok((await receivesVideo(agent.page)) >= 5);
    const interactionId = await agent.page.getAttribute(tid('interaction-panel'), 'data-id');
    const token = await agentToken();

    // ---- the agent's screenshot of the client's video ----
    const shot = await takeScreenshot(agent.page, 'remote-video');
    console.log(`screenshot ${shot.id}: ${shot.width}x${shot.height}; remote-video ${JSON.stringify(shot.before)} / ${JSON.stringify(shot.after)}`);
    assert.ok(
      [shot.before, shot.after].some((s) => s.width === shot.width && s.height === shot.height),
      'captured at the received resolution (videoWidth x videoHeight)',
    );
    await fileMessageShown(agent.page, shot.id);
    await fileMessageShown(client.page, shot.id);
    const jpeg = await download(shot.id, token);
    const size = jpegSize(jpeg);
    assert.deepEqual({ width: size.width, height: size.height }, { width: shot.width, height: shot.height }, 'the JPEG has the frame size');
    const stored = (await filesOf(interactionId, token)).find((f) => f.id === shot.id);
    assert.ok(stored, 'the screenshot is stored');
    assert.equal(stored.kind, 'screenshot');
    assert.equal(stored.content_type, 'image/jpeg');

    // ---- the editor opened on it: a thick red rectangle ----
    await visible(agent.page, 'screenshot-editor');
    await agent.page.waitForSelector(`${tid('screenshot-editor')}[data-loaded="true"]`);
    assert.equal(Number(await agent.page.getAttribute(tid('screenshot-editor'), 'data-width')), shot.width);
    await agent.page.click(`${tid('editor-color')}[data-color="#e53935"]`);
    await agent.page.click(`${tid('editor-tool')}[data-tool="rect"]`);
    await agent.page.selectOption(tid('editor-width'), 'thick');
    const box = await agent.page.locator(tid('editor-canvas')).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `the canvas is shown: ${JSON.stringify(box)}`);
    const from = { x: box.x + 0.25 * box.width, y: box.y + 0.25 * box.height };
    const to = { x: box.x + 0.75 * box.width, y: box.y + 0.75 * box.height };
    await agent.page.mouse.move(from.x, from.y);
    await agent.page.mouse.down();
    await agent.page.mouse.move(to.x, to.y, { steps: 8 });
    await agent.page.mouse.up();
    assert.equal(await agent.page.getAttribute(tid('screenshot-editor'), 'data-shapes'), '1');
    // Undo and redo come back to the same drawing.
    await agent.page.click(tid('editor-undo'));
    assert.equal(await agent.page.getAttribute(tid('screenshot-editor'), 'data-shapes'), '0');
    await agent.page.click(tid('editor-redo'));
    assert.equal(await agent.page.getAttribute(tid('screenshot-editor'), 'data-shapes'), '1');
    await agent.page.click(tid('send-screenshot'));
    await hidden(agent.page, 'screenshot-editor', 20000);

    // ---- the client's viewer opens by itself on the annotated picture ----
    await client.page.waitForSelector(`${tid('image-viewer')}[data-kind="annotated"][data-loaded="true"]`, { timeout: 20000 });
    const annotatedId = await client.page.getAttribute(tid('image-viewer'), 'data-file-id');
    assert.ok(annotatedId && annotatedId !== shot.id);
    await fileMessageShown(agent.page, annotatedId);
    await fileMessageShown(client.page, annotatedId);
    // The rectangle's border, where it was drawn, in image pixels.
    const W = shot.width;
    const H = shot.height;
    const samples = [
      [0.25, 0.5],
      [0.75, 0.5],
      [0.5, 0.25],
      [0.5, 0.75],
      [0.25, 0.4],
      [0.6, 0.75],
    ].map(([fx, fy]) => ({ x: Math.round(fx * W), y: Math.round(fy * H) }));
    const seen = await client.page.evaluate(
      ([sel, points]) => {
        const img = document.querySelector(sel);
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return {
          width: img.naturalWidth,
          height: img.naturalHeight,
          pixels: points.map((p) => [...ctx.getImageData(p.x, p.y, 1, 1).data.slice(0, 3)]),
          centre: [...ctx.getImageData(Math.round(img.naturalWidth / 2), Math.round(img.naturalHeight / 2), 1, 1).data.slice(0, 3)],
        };
      },
      [tid('image-viewer-image'), samples],
    );
    console.log(`annotated ${annotatedId}: ${seen.width}x${seen.height}, border pixels ${JSON.stringify(seen.pixels)}, centre ${JSON.stringify(seen.centre)}`);
    assert.deepEqual({ width: seen.width, height: seen.height }, { width: W, height: H }, 'drawn at full resolution');
    for (const [i, [r, g, b]] of seen.pixels.entries()) {
      assert.ok(r > 180 && g < 80 && b < 80, `red at ${JSON.stringify(samples[i])}: ${r},${g},${b}`);
    }
    const clientToken = (await clientRecord(client.page)).client_token;
    const annotated = (await filesOf(interactionId, clientToken)).find((f) => f.id === annotatedId);
    assert.ok(annotated, 'the annotated picture is stored');
    assert.equal(annotated.kind, 'annotated');
    assert.equal(annotated.original, shot.id, 'the annotated picture names its original');
    assert.equal(jpegSize(await download(annotatedId, clientToken)).width, W);
    // The original is untouched.
    assert.ok((await download(shot.id, clientToken)).equals(jpeg), 'the original stays as stored');
    // Esc closes the viewer.
    await client.page.keyboard.press('Escape');
    await hidden(client.page, 'image-viewer');

    // ---- the client's screenshot of its own view ----
    const own = await takeScreenshot(client.page, 'local-video');
    console.log(`client screenshot ${own.id}: ${own.width}x${own.height}; local-video ${JSON.stringify(own.before)}`);
    assert.ok([own.before, own.after].some((s) => s.width === own.width && s.height === own.height));
    await fileMessageShown(agent.page, own.id);
    const ownSize = jpegSize(await download(own.id, token));
    assert.deepEqual({ width: ownSize.width, height: ownSize.height }, { width: own.width, height: own.height });
    // The agent opens it from its thumbnail in the viewer and can draw on it.
    const row = `${tid('file-message')}[data-file-id="${own.id}"]`;
    await agent.page.waitForSelector(`${row} ${tid('file-thumbnail')}`, { timeout: 15000 });
    await agent.page.waitForSelector(`${row} ${tid('annotate')}`);
    await agent.page.click(`${row} ${tid('file-thumbnail')}`);
    await agent.page.waitForSelector(`${tid('image-viewer')}[data-file-id="${own.id}"][data-loaded="true"]`, { timeout: 15000 });
    await agent.page.click(tid('image-viewer-close'));
    await hidden(agent.page, 'image-viewer');
    await agent.page.click(`${row} ${tid('annotate')}`);
    await agent.page.waitForSelector(`${tid('screenshot-editor')}[data-loaded="true"]`, { timeout: 15000 });
    assert.equal(Number(await agent.page.getAttribute(tid('screenshot-editor'), 'data-width')), own.width);
    // Text, pen, clear (one step that undo takes back), then cancel: nothing is sent.
    const shapes = () => agent.page.getAttribute(tid('screenshot-editor'), 'data-shapes');
    const box2 = await agent.page.locator(tid('editor-canvas')).boundingBox();
    await agent.page.click(`${tid('editor-tool')}[data-tool="text"]`);
    await agent.page.mouse.click(box2.x + box2.width * 0.3, box2.y + box2.height * 0.3);
    await visible(agent.page, 'editor-text-input');
    // The box takes the focus just after the click (as a person's typing
    // would find it); keys sent before that would go to the page.
    await agent.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'editor-text-input');
    await agent.page.keyboard.type('Here');
    await agent.page.keyboard.press('Enter');
    assert.equal(await shapes(), '1');
    await agent.page.click(`${tid('editor-tool')}[data-tool="pen"]`);
    await agent.page.mouse.move(box2.x + box2.width * 0.5, box2.y + box2.height * 0.5);
    await agent.page.mouse.down();
    await agent.page.mouse.move(box2.x + box2.width * 0.6, box2.y + box2.height * 0.7, { steps: 5 });
    await agent.page.mouse.up();
    assert.equal(await shapes(), '2');
    await agent.page.click(tid('editor-clear'));
    assert.equal(await shapes(), '0');
    await agent.page.click(tid('editor-undo'));
    assert.equal(await shapes(), '2');
    const messagesBefore = await agent.page.locator(`${tid('chat-messages')} > ${tid('chat-message')}`).count();
    await agent.page.click(tid('editor-cancel'));
    await hidden(agent.page, 'screenshot-editor');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await agent.page.locator(`${tid('chat-messages')} > ${tid('chat-message')}`).count(), messagesBefore, 'cancel sends nothing');
  } finally {
    await browser.close();
  }
});
