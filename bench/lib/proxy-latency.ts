// Sequential HTTP round trips from inside a namespace, one new TCP connection each (so every
// request crosses the NAT lookup), reporting per-request latency in milliseconds.
import { execa } from 'execa';
import { ProxyLab } from './proxy-lab.js';

const SCRIPT = `
const http = require('node:http');
const [count, ...urls] = process.argv.slice(1);
const out = urls.map(() => []);
let errors = 0;
function one(url, into) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => { into.push(Number(process.hrtime.bigint() - t0) / 1e6); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { errors++; resolve(); });
  });
}
// The URLs take turns, request by request, so drift on a shared machine hits all of them alike.
(async () => { for (let i = 0; i < Number(count); i++) for (const [j, url] of urls.entries()) await one(url, out[j]); process.stdout.write(JSON.stringify({ out, errors })); })();
`;

/** `count` requests to each URL, taking turns; latencies per URL in the order given. */
export async function requestLatencies(ns: string, urls: readonly string[], count: number): Promise<{ ms: number[][]; errors: number }> {
  const r = await execa(ProxyLab.in(ns)[0] as string, [...ProxyLab.in(ns).slice(1), process.execPath, '-e', SCRIPT, String(count), ...urls], { timeout: 600_000 });
  const parsed = JSON.parse(String(r.stdout)) as { out: number[][]; errors: number };
  return { ms: parsed.out, errors: parsed.errors };
}
