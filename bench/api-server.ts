// Serves the Esplora API over a ledger with one address of ≥ 5,000 transactions, for bench/api.ts.
// Prints one JSON line {port, address, txid} when listening.
import { buildApiWorld } from '../test/chain/api.fixture.ts';

const world = await buildApiWorld({ hotTxs: 5_100 });
await world.app.listen({ host: '127.0.0.1', port: 0 });
const address = world.app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const txid = world.hotBook.confirmedTxids[Math.floor(world.hotBook.confirmedTxids.length / 2)];
process.stdout.write(`${JSON.stringify({ port, address: world.hot.address, txid })}\n`);
process.on('SIGTERM', () => void world.app.close().then(() => process.exit(0)));
