// JSON schemas of the API's path parameters. A value that fails one is answered by errors.ts with
// electrs's text for that parameter ('Invalid hex string', 'Invalid number', ...).

const hash = { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } as const;
// Ten digits cover every u32; larger numbers are refused as electrs refuses what overflows u32/usize.
const number = { type: 'string', pattern: '^[0-9]{1,10}$' } as const;

function params(props: Record<string, object>) {
  return { params: { type: 'object', properties: props, required: Object.keys(props) } } as const;
}

export const S = {
  hash: params({ hash }),
  hashIndex: params({ hash, index: number }),
  hashStart: params({ hash, start_index: number }),
  height: params({ height: number }),
  startHeight: params({ start_height: number }),
  txid: params({ txid: hash }),
  txidVout: params({ txid: hash, vout: number }),
  address: params({ address: { type: 'string', minLength: 1, maxLength: 200 } }),
  addressLastSeen: params({ address: { type: 'string', minLength: 1, maxLength: 200 }, last_seen_txid: hash }),
  scripthash: params({ scripthash: hash }),
  scripthashLastSeen: params({ scripthash: hash, last_seen_txid: hash }),
  prefix: params({ prefix: { type: 'string', minLength: 1, maxLength: 100 } }),
};

/** A path number that passed its schema; refuses values beyond u32 as electrs's parse does. */
export function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new RangeError('Invalid number');
  return n;
}
