// The client's location: the agent asks, the client allows, and the agent
// sees a location message (coordinates, accuracy, map links; the address
// when the address stand-in is configured: VC_E2E_ADDRESS); the client
// declines; a page without the permission answers as declined; the client
// sends its position by itself; and a reload does not ask again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { launch, person, agentStartsCall, clientJoins, statusIs, visible, hidden, tid } from './lib.mjs';

const HERE = { latitude: 55.751244, longitude: 37.618423, accuracy: 25 };
const COORDS = '55.751244, 37.618423';

/** The location messages of a page's chat: `{ coords, address, accuracy, yandex, osm, tile }`. */
async function locationMessages(page) {
  return page.$$eval(`${tid('chat-messages')} ${tid('location-message')}`, (nodes) =>
    nodes.map((n) => ({
      coords: n.querySelector('[data-testid="location-coords"]')?.textContent ?? '',
      address: n.querySelector('[data-testid="location-address"]')?.textContent ?? '',
      hasAddress: n.dataset.address === 'true',
      accuracy: n.querySelector('[data-testid="location-accuracy"]')?.textContent ?? '',
      time: n.querySelector('[data-testid="location-time"]')?.textContent ?? '',
      yandex: n.querySelector('[data-testid="location-yandex"]')?.getAttribute('href') ?? null,
      osm: n.querySelector('[data-testid="location-osm"]')?.getAttribute('href') ?? null,
      targets: [...n.querySelectorAll('a')].map((a) => `${a.target} ${a.rel}`),
      tile: !!n.querySelector('[data-testid="location-tile"]'),
      card: !!n.querySelector('[data-testid="location-card"]'),
      seq: n.closest('[data-testid="chat-message"]')?.dataset.seq ?? null,
    })),
  );
}

async function locationCount(page, n, timeout = 20000) {
  await page.waitForFunction(
    ([sel, n]) => [...document.querySelectorAll(sel)].filter((m) => m.closest('[data-seq]')).length >= n,
    [`${tid('chat-messages')} ${tid('location-message')}`, n],
    { timeout },
  );
  return locationMessages(page);
}

async function geoState(page, state, timeout = 20000) {
  await page.waitForFunction(([sel, s]) => document.querySelector(sel)?.dataset.state === s, [tid('geolocation'), state], { timeout });
}

test('the agent asks for the client location; allow, decline, no permission, send by itself', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser, {
      permissions: ['camera', 'microphone', 'geolocation'],
      contextOptions: { geolocation: HERE },
    });
    await agent.page.setViewportSize({ width: 1280, height: 1000 });
    const url = await agentStartsCall(agent.page, { mode: 'two_way' });
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 30000);
    await statusIs(client.page, 'active', 30000);

    await visible(agent.page, 'geolocation');
    await geoState(agent.page, 'none');
    await hidden(client.page, 'geolocation-prompt', 1000);

    // 1. The agent asks, the client allows.
    await agent.page.click(tid('request-geolocation'));
    await geoState(agent.page, 'waiting');
    await visible(client.page, 'geolocation-prompt');
    await client.page.click(tid('geolocation-allow'));
    const [first] = await locationCount(agent.page, 1);
    console.log(`the agent sees: ${JSON.stringify(first)}`);
    assert.equal(first.coords, COORDS);
    assert.equal(first.accuracy, '±25 m');
    assert.ok(first.time.length > 0, 'the measurement time is shown');
    assert.match(first.yandex ?? '', /^https:\/\/yandex\.[a-z]+\/maps/);
    assert.match(first.osm ?? '', /^https:\/\/www\.openstreetmap\.org\//);
    for (const t of first.targets) assert.match(t, /^_blank .*noopener/, 'map links open apart from the call');
    assert.ok(first.tile || first.card, 'a preview');
    if (process.env.VC_E2E_ADDRESS) {
      assert.ok(first.hasAddress, 'the address is known');
      assert.ok(first.address.includes(process.env.VC_E2E_ADDRESS), `address ${first.address}`);
    } else if (!first.hasAddress) {
      assert.equal(first.address, 'Address unknown');
    }
    if (process.env.VC_E2E_TILE) {
      // The tile (its server is not reachable here: only the markup is checked).
      assert.ok(first.tile, 'a map tile with the marker');
      const marker = await agent.page.$eval(`${tid('location-tile')} ${tid('location-marker')}`, (m) => [m.style.left, m.style.top]);
      for (const v of marker) {
        assert.match(v, /^\d+(\.\d+)?%$/);
        assert.ok(Number.parseFloat(v) >= 0 && Number.parseFloat(v) <= 100, `marker at ${marker}`);
      }
      const src = await agent.page.getAttribute(`${tid('location-tile')} img`, 'src');
      assert.ok(src?.startsWith(process.env.VC_E2E_TILE), `tile ${src}`);
    }
    await geoState(agent.page, 'received');
    await agent.page.waitForFunction((sel) => document.querySelector(sel)?.dataset.lat === '55.751244', tid('geolocation-last'));
    await hidden(client.page, 'geolocation-prompt');
    // The client's own chat has it too.
    const mine = await locationCount(client.page, 1);
    assert.equal(mine[0].coords, COORDS);

    // A screenshot taken now carries the position in its EXIF: the Rust side
    // of this test reads it back (VC_E2E_OUT names the file).
    await agent.page.waitForSelector(`${tid('take-screenshot')}:not([disabled])`, { timeout: 20000 });
    await agent.page.click(tid('take-screenshot'));
    await agent.page.waitForFunction((sel) => !!document.querySelector(sel)?.dataset.lastFileId, tid('take-screenshot'), { timeout: 20000 });
    const shot = await agent.page.getAttribute(tid('take-screenshot'), 'data-last-file-id');
    if (await agent.page.isVisible(tid('screenshot-editor'))) await agent.page.click(tid('editor-cancel'));
    if (process.env.VC_E2E_OUT) {
      writeFileSync(process.env.VC_E2E_OUT, JSON.stringify({ screenshot: shot, lat: HERE.latitude, lon: HERE.longitude }));
    }

    // 2. The agent asks again; the client declines: the agent sees it.
    await agent.page.click(tid('request-geolocation'));
    await geoState(agent.page, 'waiting');
    await visible(client.page, 'geolocation-prompt');
    await client.page.click(tid('geolocation-decline'));
    await geoState(agent.page, 'declined');
    await hidden(client.page, 'geolocation-prompt');

    // 3. A reload: the answered requests are not asked again.
    await client.page.reload();
    await statusIs(client.page, 'active', 30000);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await client.page.isVisible(tid('geolocation-prompt')), false, 'answered requests are not asked again');

    // 4. The client sends its position by itself.
    await client.page.click(tid('send-geolocation'));
    await client.page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'sent', tid('geolocation-status'));
    const two = await locationCount(agent.page, 2);
    assert.equal(two[1].coords, COORDS);

    // 5. No permission: allowing in the prompt still ends as a refusal.
    await client.context.clearPermissions();
    await client.context.grantPermissions(['camera', 'microphone']);
    await agent.page.click(tid('request-geolocation'));
    await geoState(agent.page, 'waiting');
    await visible(client.page, 'geolocation-prompt');
    await client.page.click(tid('geolocation-allow'));
    await agent.page.waitForFunction(
      (sel) => ['declined', 'unavailable'].includes(document.querySelector(sel)?.dataset.state ?? ''),
      tid('geolocation'),
      { timeout: 30000 },
    );
    const refused = await agent.page.getAttribute(tid('geolocation'), 'data-state');
    console.log(`without the permission the agent sees: ${refused}`);
    await client.page.waitForFunction(
      (sel) => ['denied', 'unavailable', 'timeout'].includes(document.querySelector(sel)?.dataset.state ?? ''),
      tid('geolocation-status'),
    );
    assert.equal((await locationMessages(agent.page)).length, 2, 'no position was sent');
  } finally {
    await browser.close();
  }
});
