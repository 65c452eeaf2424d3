// Sequential HTTP round trips from inside a namespace, one new TCP connection each (so every
// request crosses the NAT lookup), reporting per-request latency in milliseconds.
import { execa } from 'execa';
import { ProxyLab } from './proxy-lab.js';

const SCRIPT = `
const http = require('node:http');
const [url, count] = process.argv.slice(1);
const out = [];
let errors = 0;
function one() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => { out.push(Number(process.hrtime.bigint() - t0) / 1e6); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { errors++; resolve(); });
  });
}
(async () => { for (let i = 0; i < Number(count); i++) await one(); process.stdout.write(JSON.stringify({ out, errors })); })();
`;

export async function requestLatencies(ns: string, url: string, count: number): Promise<{ ms: number[]; errors: number }> {
  const r = await execa(ProxyLab.in(ns)[0] as string, [...ProxyLab.in(ns).slice(1), process.execPath, '-e', SCRIPT, url, String(count)], { timeout: 600_000 });
  const parsed = JSON.parse(String(r.stdout)) as { out: number[]; errors: number };
  return { ms: parsed.out, errors: parsed.errors };
}
