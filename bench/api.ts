// API under load from a second process: autocannon, 50 connections, against the Esplora routes
// on an address with ≥ 5,000 transactions and on /tx/:txid.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface LoadResult {
  route: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function startServer(script: string): Promise<{ info: Record<string, string | number>; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { info: JSON.parse(line), stop: () => child.kill('SIGTERM') };
}

export async function load(url: string, route: string, seconds: number): Promise<LoadResult> {
  const r = await autocannon({ url, connections: 50, duration: seconds, pipelining: 1 });
  return {
    route,
    requestsPerSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

export async function apiBench(seconds = 10): Promise<LoadResult[]> {
  const server = await startServer('bench/api-server.ts');
  try {
    const { port, address, txid } = server.info;
    const base = `http://127.0.0.1:${port}/api`;
    const results: LoadResult[] = [];
    // Warm up caches and JIT before measuring.
    await autocannon({ url: `${base}/tx/${txid}`, connections: 10, duration: 2 });
    results.push(await load(`${base}/tx/${txid}`, '/api/tx/:txid', seconds));
    results.push(await load(`${base}/address/${address}`, '/api/address/:hot (≥5,000 txs)', seconds));
    results.push(await load(`${base}/address/${address}/txs`, '/api/address/:hot/txs', seconds));
    return results;
  } finally {
    server.stop();
  }
}
