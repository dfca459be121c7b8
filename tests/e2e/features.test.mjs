// The admins' call functions: an admin switches chat, files, the pointer
// and geolocation off; a call made after that has none of their controls on
// either page, and the server refuses them when asked directly (the chat
// over the control channel, an upload over REST). Switched on again, a new
// interaction has them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, callUp, clientRecord, adminToken, getSettings, putSettings, rest, tid } from './lib.mjs';

/** How many elements with each hook the page has (0: absent from the DOM). */
async function counts(page, ids) {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => [id, document.querySelectorAll(`[data-testid="${id}"]`).length])), ids);
}

/** What the server answers a chat frame (and a location frame) sent the way the client page sends them. */
async function controlRefusals(page, interactionId, token) {
  return page.evaluate(
    ({ interactionId, token }) =>
      new Promise((resolve, reject) => {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        const ws = new WebSocket(`${scheme}//${location.host}/api/interactions/${encodeURIComponent(interactionId)}/ws`);
        const answers = {};
        const timer = setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(answers)}`)), 15000);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }));
        ws.onmessage = (ev) => {
          const m = JSON.parse(ev.data);
          if (m.type === 'welcome') {
            ws.send(JSON.stringify({ type: 'chat', client_msg_id: 'e2e-chat-1', text: 'hello while chat is off' }));
            ws.send(
              JSON.stringify({ type: 'location', client_msg_id: 'e2e-loc-1', lat: 55.75, lon: 37.61, accuracy_m: 20, measured_at_ms: Date.now() }),
            );
          } else if (m.type === 'chat_error' || m.type === 'chat_ack') {
            answers[m.client_msg_id] = m.type === 'chat_error' ? m.code : 'acknowledged';
            if (Object.keys(answers).length === 2) {
              clearTimeout(timer);
              ws.close();
              resolve(answers);
            }
          }
        };
        ws.onerror = () => reject(new Error('control channel failed'));
      }),
    { interactionId, token },
  );
}

const OFF_HOOKS = {
  agent: ['chat', 'chat-toggle', 'chat-input', 'chat-send', 'chat-messages', 'chat-attach', 'file-input', 'pointer-layer', 'pointer-toggle', 'request-geolocation', 'geolocation'],
  client: ['chat', 'chat-toggle', 'chat-input', 'chat-send', 'chat-messages', 'chat-attach', 'file-input', 'pointer-layer', 'send-geolocation', 'geolocation-prompt', 'geolocation-status'],
};

test('switched-off functions are absent from both pages and refused by the server', async () => {
  const admin = await adminToken();
  const current = await getSettings(admin, 'features');
  const on = { ...current, chat: true, files: true, pointer: true, geolocation: true, screenshots: true, hd_photo: true };
  const off = { ...on, chat: false, files: false, pointer: false, geolocation: false, auto_geolocation: false };
  await putSettings(admin, 'features', off);

  const browser = await launch();
  try {
    const { agent, client } = await callUp(browser);
    const id = await agent.page.getAttribute(tid('interaction-panel'), 'data-id');
    const interaction = await rest('GET', `/api/interactions/${id}`, admin);
    assert.equal(interaction.body.features.chat, false, 'the interaction took the switches');

    const agentHas = await counts(agent.page, OFF_HOOKS.agent);
    const clientHas = await counts(client.page, OFF_HOOKS.client);
    for (const [hook, n] of Object.entries(agentHas)) assert.equal(n, 0, `agent console: no ${hook}`);
    for (const [hook, n] of Object.entries(clientHas)) assert.equal(n, 0, `client page: no ${hook}`);
    // What stays on stays.
    const agentKept = await counts(agent.page, ['take-screenshot', 'request-photo', 'end-call']);
    const clientKept = await counts(client.page, ['take-screenshot', 'end-call']);
    assert.deepEqual(agentKept, { 'take-screenshot': 1, 'request-photo': 1, 'end-call': 1 });
    assert.deepEqual(clientKept, { 'take-screenshot': 1, 'end-call': 1 });

    // The server refuses what the pages do not offer.
    const record = await clientRecord(client.page);
    assert.ok(record?.client_token, 'the client page keeps its token');
    const refusals = await controlRefusals(client.page, id, record.client_token);
    assert.deepEqual(refusals, { 'e2e-chat-1': 'feature_disabled', 'e2e-loc-1': 'feature_disabled' });
    const upload = await fetch(`${BASE}/api/interactions/${id}/files`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${record.client_token}`, 'X-File-Name': 'note.txt', 'Content-Type': 'text/plain' },
      body: 'a file while files are off',
    });
    const uploadBody = await upload.json().catch(() => null);
    assert.equal(upload.status, 403, JSON.stringify(uploadBody));
    assert.equal(uploadBody?.code, 'feature_disabled');
    await agent.page.click(tid('end-call'));
    await agent.context.close();
    await client.context.close();

    // On again: a new interaction has every control.
    await putSettings(admin, 'features', on);
    const second = await callUp(browser);
    const agentNow = await counts(second.agent.page, ['chat-input', 'chat-send', 'chat-messages', 'file-input', 'pointer-layer', 'request-geolocation']);
    const clientNow = await counts(second.client.page, ['chat-input', 'chat-send', 'chat-messages', 'file-input', 'pointer-layer', 'send-geolocation']);
    for (const [hook, n] of Object.entries(agentNow)) assert.equal(n, 1, `agent console: ${hook} is back`);
    for (const [hook, n] of Object.entries(clientNow)) assert.equal(n, 1, `client page: ${hook} is back`);
  } finally {
    await rest('PUT', '/api/settings/features', admin, on).catch(() => undefined);
    await browser.close();
  }
});
