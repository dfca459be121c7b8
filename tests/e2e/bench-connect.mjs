// Connection time: the client's "join" tap to the agent's first decoded frame
// of the client's video, as the platform logs it per call (`connect_timing`).
// Runs VC_RUNS calls (default 5) against a running platform and prints each
// time and the median. Not a test: a benchmark (docs/benchmarks.md).
//
//   VC_BASE_URL=http://127.0.0.1:8080 VC_AGENT_LOGIN=agent1 VC_AGENT_PASSWORD=... \
//     node tests/e2e/bench-connect.mjs
import { BASE, AGENT_LOGIN, AGENT_PASSWORD, launch, person, agentStartsCall, statusIs, receivesVideo, tid } from './lib.mjs';

const runs = Number(process.env.VC_RUNS ?? '5');

async function json(path, token, init = {}) {
  const res = await fetch(`${BASE}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const { access_token: token } = await json('/api/auth/login', null, {
  method: 'POST',
  body: JSON.stringify({ login: AGENT_LOGIN, password: AGENT_PASSWORD }),
});

const times = [];
for (let i = 0; i < runs; i += 1) {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page);
    await client.page.goto(`${url}?lang=en`);
    await client.page.check(tid('consent'));
    // Let the self-preview settle so the tap is the only thing measured.
    await client.page.waitForTimeout(1000);
    await client.page.click(tid('join'));
    await statusIs(agent.page, 'active', 20000);
    await receivesVideo(agent.page);
    const { items } = await json('/api/interactions?limit=1', token);
    let ms;
    for (let tries = 0; tries < 20 && ms === undefined; tries += 1) {
      const it = await json(`/api/interactions/${items[0].id}`, token);
      ms = it.events.find((e) => e.event.type === 'connect_timing')?.event.ms;
      if (ms === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    if (ms === undefined) throw new Error('no connect_timing logged');
    times.push(ms);
    console.log(`run ${i + 1}: ${ms} ms`);
    await agent.page.click(tid('end-call'));
  } finally {
    await browser.close();
  }
}
times.sort((a, b) => a - b);
console.log(`median of ${runs}: ${times[Math.floor(times.length / 2)]} ms (min ${times[0]}, max ${times[times.length - 1]})`);

