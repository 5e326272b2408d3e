// Serves the lab over a generated default-cast world for bench/market.ts; prints one JSON line
// {port, onion, listing, vendor} when listening. Cold starts use a 7-day world to keep set-up short.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../sim/world.ts';
import { Ledger } from '../chain/ledger.ts';
import { buildServer } from '../lab/server.ts';

const file = join(mkdtempSync(join(tmpdir(), 'onion-market-bench-')), 'world.sqlite');
generateWorld({ days: 7 }, file);
const ledger = Ledger.open(file);
const app = await buildServer({ ledger, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const dir = (await app.inject('/sites/directory.json')).json() as { sites: { id: string; onion: string }[] };
const onion = dir.sites.find((s) => s.id === 'silkway')!.onion;
const home = (await app.inject(`/onion/${onion}/`)).body;
const listing = /href="[^"]*(\/listing\/[^"/?]+)"/.exec(home)?.[1] ?? '/';
const vendors = (await app.inject(`/onion/${onion}/vendors`)).body;
const vendor = /href="[^"]*(\/vendor\/[^"/?]+)"/.exec(vendors)?.[1] ?? '/';
process.stdout.write(`${JSON.stringify({ port, onion, listing, vendor })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
