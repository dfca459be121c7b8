// The HD photo: the agent asks, the client's page shows that a photo is
// being taken, takes a still of its camera at full resolution, uploads it
// and sends it in the chat; the agent sees it and the JPEG is at least as
// large as the camera's picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, callUp, agentToken, tid, BASE } from './lib.mjs';

/** Width and height of a JPEG (its first SOF marker). */
function jpegSize(buf) {
  assert.ok(buf[0] === 0xff && buf[1] === 0xd8, 'a JPEG');
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) {
      i += 1;
      continue;
    }
    const marker = buf[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    i += 2 + buf.readUInt16BE(i + 2);
  }
  assert.fail('no SOF marker in the JPEG');
}

test('the agent requests an HD photo and gets the camera picture at full resolution', async () => {
  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser);
    const camera = await client.page.evaluate(() => {
      const v = document.querySelector('[data-testid="local-video"]');
      const s = v?.srcObject?.getVideoTracks()[0]?.getSettings() ?? {};
      const c = v?.srcObject?.getVideoTracks()[0]?.getCapabilities?.() ?? {};
      return { width: s.width ?? 0, height: s.height ?? 0, max: `${c.width?.max}x${c.height?.max}` };
    });
    console.log(`the client's camera sends ${camera.width}x${camera.height} (at most ${camera.max})`);
    assert.ok(camera.width > 0 && camera.height > 0);

    // Whether the "taking a photo" overlay is ever shown.
    await client.page.evaluate(() => {
      window.__photoOverlay = false;
      const o = document.querySelector('[data-testid="photo-in-progress"]');
      if (o && !o.hidden) window.__photoOverlay = true;
      new MutationObserver(() => {
        if (o && !o.hidden) window.__photoOverlay = true;
      }).observe(o, { attributes: true, attributeFilter: ['hidden'] });
    });

    await agent.page.click(tid('request-photo'));
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'waiting', tid('photo-request-state'));
    const photoSel = `${tid('chat-messages')} ${tid('chat-message')}[data-from="client"][data-seq] ${tid('file-message')}`;
    await agent.page.waitForSelector(photoSel, { timeout: 30000 });
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'done', tid('photo-request-state'), { timeout: 15000 });
    assert.equal(await client.page.evaluate(() => window.__photoOverlay), true, 'the client saw that a photo is being taken');
    await client.page.waitForSelector(tid('photo-in-progress'), { state: 'hidden' });

    const fileId = await agent.page.getAttribute(photoSel, 'data-file-id');
    const token = await agentToken();
    const res = await fetch(`${BASE}/api/files/${encodeURIComponent(fileId)}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const buf = Buffer.from(await res.arrayBuffer());
    const size = jpegSize(buf);
    console.log(`the photo is ${size.width}x${size.height}, ${buf.length} bytes`);
    assert.ok(size.width >= camera.width && size.height >= camera.height, `photo ${size.width}x${size.height} < camera ${camera.width}x${camera.height}`);
  } finally {
    await browser.close();
  }
});
