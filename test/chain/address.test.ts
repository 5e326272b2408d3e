import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../../chain/bytes.ts';
import {
  AddressError,
  addressToScript,
  decodeAddress,
  electrumScripthashOf,
  isValidAddress,
  scriptToAddress,
  scripthashOf,
} from '../../chain/address.ts';
import { NETWORKS } from '../../chain/network.ts';
import { multisigScript, p2pkhScript, p2shScript, p2trScript, p2wpkhScript, p2wshScript, witnessProgramScript } from '../../chain/script.ts';
import { hash160, sha256 } from '../../chain/hash.ts';
import type { Network } from '../../chain/types.ts';
import { createBase58check } from '@scure/base';

const base58check = createBase58check(sha256);

const h = hexToBytes;
const NETS: Network[] = ['mainnet', 'testnet', 'regtest'];

describe('NETWORKS', () => {
  it('has Bitcoin Core chainparams prefixes', () => {
    expect(NETWORKS.mainnet).toEqual({ name: 'mainnet', pubKeyHashPrefix: 0x00, scriptHashPrefix: 0x05, bech32Hrp: 'bc' });
    expect(NETWORKS.testnet).toEqual({ name: 'testnet', pubKeyHashPrefix: 0x6f, scriptHashPrefix: 0xc4, bech32Hrp: 'tb' });
    expect(NETWORKS.regtest).toEqual({ name: 'regtest', pubKeyHashPrefix: 0x6f, scriptHashPrefix: 0xc4, bech32Hrp: 'bcrt' });
  });
});

describe('Base58Check addresses', () => {
  it('P2PKH of the Bitcoin wiki key 0250863a…', () => {
    const pubkey = h('0250863ad64a87ae8a2fe83c1af1a8403cb53f53e486d8511dad8a04887e5b2352');
    expect(scriptToAddress(p2pkhScript(hash160(pubkey)))).toBe('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs');
  });

  it('rust-bitcoin P2PKH and P2SH vectors', () => {
    expect(scriptToAddress(h('76a914162c5ea71c0b23f5b9022ef047c4a86470a5b07088ac'))).toBe('132F25rTsvBdp9JzLLBHP5mvGY66i1xdiM');
    expect(scriptToAddress(h('a914162c5ea71c0b23f5b9022ef047c4a86470a5b07087'))).toBe('33iFwdLuRpW1uK1RTRqsoi8rR4NpDzk66k');
    expect(bytesToHex(addressToScript('33iFwdLuRpW1uK1RTRqsoi8rR4NpDzk66k'))).toBe('a914162c5ea71c0b23f5b9022ef047c4a86470a5b07087');
    expect(decodeAddress('33iFwdLuRpW1uK1RTRqsoi8rR4NpDzk66k')).toMatchObject({ network: 'mainnet', type: 'p2sh', kind: 'base58' });
  });

  it('testnet prefixes (m/n, 2) and their use on regtest', () => {
    const pubkey = h('03df154ebfcf29d29cc10d5c2565018bce2d9edbab267c31d2caf44a63056cf99f');
    const script = p2pkhScript(hash160(pubkey));
    expect(scriptToAddress(script, 'testnet')).toBe('mqkhEMH6NCeYjFybv7pvFC22MFeaNT9AQC');
    expect(scriptToAddress(script, 'regtest')).toBe('mqkhEMH6NCeYjFybv7pvFC22MFeaNT9AQC');
    const redeem = h(
      '552103a765fc35b3f210b95223846b36ef62a4e53e34e2925270c2c7906b92c9f718eb2103c327511374246759ec8d0b89fa6c6b23b33e11f92c5bc155409d86de0c79180121038cae7406af1f12f4786d820a1466eec7bc5785a1b5e4a387eca6d797753ef6db2103252bfb9dcaab0cd00353f2ac328954d791270203d66c2be8b430f115f451b8a12103e79412d42372c55dd336f2eb6eb639ef9d74a22041ba79382c74da2338fe58ad21035049459a4ebc00e876a9eef02e72a3e70202d3d1f591fc0dd542f93f642021f82102016f682920d9723c61b27f562eb530c926c00106004798b6471e8c52c60ee02057ae',
    );
    expect(scriptToAddress(p2shScript(hash160(redeem)), 'testnet')).toBe('2N3zXjbwdTcPsJiy8sUK9FhWJhqQCxA8Jjr');
    expect(decodeAddress('mqkhEMH6NCeYjFybv7pvFC22MFeaNT9AQC')).toMatchObject({ network: 'testnet', type: 'p2pkh' });
    expect(isValidAddress('2N3zXjbwdTcPsJiy8sUK9FhWJhqQCxA8Jjr', 'regtest')).toBe(true);
    expect(isValidAddress('2N3zXjbwdTcPsJiy8sUK9FhWJhqQCxA8Jjr', 'testnet')).toBe(true);
    expect(isValidAddress('2N3zXjbwdTcPsJiy8sUK9FhWJhqQCxA8Jjr', 'mainnet')).toBe(false);
  });

  it('rejects bad checksums, characters, versions and lengths with a reason', () => {
    expect(() => decodeAddress('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt')).toThrow(/checksum/);
    expect(() => decodeAddress('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUA0')).toThrow(/invalid base58 character "0"/);
    expect(() => decodeAddress('')).toThrow(/empty/);
    expect(() => decodeAddress('1'.repeat(5000))).toThrow(/too long/);
    expect(() => decodeAddress('1PMycacn\nJaSqwwJqjawXBErnLsZ7RkXUAs')).toThrow('invalid base58 character "\\n"');
    // Valid Base58Check with an unknown version byte (0x80, a WIF private key).
    expect(() => decodeAddress('5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ')).toThrow(/bad base58 payload length 33/);
    expect(() => decodeAddress(base58check.encode(new Uint8Array(20)))).toThrow(/payload length 20/);
    expect(() => addressToScript('mqkhEMH6NCeYjFybv7pvFC22MFeaNT9AQC', 'mainnet')).toThrow(/wrong network: address is for testnet, expected mainnet/);
    try {
      decodeAddress('1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt');
    } catch (e) {
      expect(e).toBeInstanceOf(AddressError);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('rejects well-formed Base58Check with a version byte no network uses', () => {
    // 0x30 is Litecoin's P2PKH version: an "L…" address.
    const litecoin = base58check.encode(Uint8Array.of(0x30, ...new Uint8Array(20).fill(7)));
    expect(litecoin[0]).toBe('L');
    expect(() => decodeAddress(litecoin)).toThrow(/unknown address version byte 0x30/);
  });
});

describe('BIP173 (bech32)', () => {
  const valid: [string, string][] = [
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'],
    ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy', '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
  ];

  it('decodes the v0 valid addresses to their scriptPubKeys', () => {
    for (const [address, script] of valid) {
      const net = address.toLowerCase().startsWith('bc1') ? 'mainnet' : 'testnet';
      expect(bytesToHex(addressToScript(address, net))).toBe(script);
      expect(scriptToAddress(h(script), net)).toBe(address.toLowerCase());
    }
  });

  it('P2WPKH and P2WSH vectors', () => {
    expect(scriptToAddress(h('0014751e76e8199196d454941c45d1b3a323f1433bd6'))).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(decodeAddress('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7')).toMatchObject({
      network: 'testnet',
      type: 'v0_p2wsh',
      kind: 'bech32',
    });
    const ws = h('52210375e00eb72e29da82b89367947f29ef34afb75e8654f6ea368e0acdfd92976b7c2103a1b26313f430c4b15bb1fdce663207659d8cac749a0e53d70eff01874496feff2103c96d495bfdd5ba4145e3e046fee45e84a8a48ad05bd8dbb395c011a32cf9f88053ae');
    expect(scriptToAddress(p2wshScript(sha256(ws)))).toBe('bc1qwqdg6squsna38e46795at95yu9atm8azzmyvckulcc7kytlcckxswvvzej');
  });

  it('v1+ addresses that BIP173 listed as valid are bech32, which BIP350 rejects', () => {
    for (const address of [
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx',
      'BC1SW50QA3JX3S',
      'bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj',
    ]) {
      expect(() => decodeAddress(address), address).toThrow(/must use bech32m/);
    }
  });

  it('rejects the invalid addresses', () => {
    const invalid: [string, RegExp][] = [
      ['tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty', /unknown address prefix "tc"/],
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', /checksum/],
      ['BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2', /witness version/],
      ['bc1rw5uspcuh', /./],
      ['bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90', /./],
      ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', /v0 program length 16/],
      ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7', /mixed case/],
      ['bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du', /./],
      ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv', /padding/],
      ['bc1gmk9yu', /empty data section/],
    ];
    for (const [address, reason] of invalid) {
      expect(() => decodeAddress(address), address).toThrow(AddressError);
      expect(() => decodeAddress(address), address).toThrow(reason);
      expect(isValidAddress(address)).toBe(false);
    }
  });
});

describe('BIP350 (bech32m)', () => {
  const valid: [string, string][] = [
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'],
    ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'],
    ['BC1SW50QGDZ25J', '6002751e'],
    ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', '5210751e76e8199196d454941c45d1b3a323'],
    ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy', '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
    ['tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c', '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
  ];

  it('decodes every valid segwit address to its scriptPubKey and encodes it back', () => {
    for (const [address, script] of valid) {
      const net = address.toLowerCase().startsWith('bc1') ? 'mainnet' : 'testnet';
      expect(bytesToHex(addressToScript(address, net)), address).toBe(script);
      expect(scriptToAddress(h(script), net)).toBe(address.toLowerCase());
      expect(isValidAddress(address, net)).toBe(true);
    }
  });

  it('types the P2TR vector as v1_p2tr and future versions as unknown', () => {
    expect(decodeAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toMatchObject({
      network: 'mainnet',
      type: 'v1_p2tr',
      kind: 'bech32',
    });
    expect(bytesToHex(decodeAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0').program)).toBe(
      '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
    expect(decodeAddress('BC1SW50QGDZ25J').type).toBe('unknown');
  });

  it('rejects the invalid addresses, including bech32/bech32m confusion', () => {
    const invalid: [string, RegExp][] = [
      ['tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', /unknown address prefix/],
      ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', /must use bech32m, not bech32/],
      ['tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', /must use bech32m, not bech32/],
      ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', /must use bech32m, not bech32/],
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', /must use bech32, not bech32m/],
      ['tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47', /must use bech32, not bech32m/],
      ['bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', /invalid bech32 character "o"/],
      ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', /invalid witness version/],
      ['bc1pw5dgrnzv', /program length 1 /],
      ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', /program length 41/],
      ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', /v0 program length 16/],
      ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', /mixed case/],
      ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', /padding/],
      ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', /padding/],
      ['bc1gmk9yu', /empty data section/],
    ];
    for (const [address, reason] of invalid) {
      expect(() => decodeAddress(address), address).toThrow(reason);
      expect(isValidAddress(address)).toBe(false);
    }
  });
});

describe('networks', () => {
  it('uses the regtest HRP and keeps bech32 networks apart', () => {
    const script = h('001454d26dddb59c7073c6a197946ea1841951fa7a74');
    expect(scriptToAddress(script, 'regtest')).toBe('bcrt1q2nfxmhd4n3c8834pj72xagvyr9gl57n5r94fsl');
    expect(decodeAddress('bcrt1q2nfxmhd4n3c8834pj72xagvyr9gl57n5r94fsl')).toMatchObject({ network: 'regtest', type: 'v0_p2wpkh' });
    expect(bytesToHex(addressToScript('bcrt1q2nfxmhd4n3c8834pj72xagvyr9gl57n5r94fsl', 'regtest'))).toBe(bytesToHex(script));
    expect(() => addressToScript('bcrt1q2nfxmhd4n3c8834pj72xagvyr9gl57n5r94fsl', 'testnet')).toThrow(/wrong network/);
    expect(() => addressToScript('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'regtest')).toThrow(/wrong network/);
    expect(isValidAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'testnet')).toBe(false);
    expect(isValidAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(true);
  });

  it('gives no address to scripts that have none', () => {
    expect(scriptToAddress(h('6a0401020304'))).toBeNull();
    expect(scriptToAddress(new Uint8Array(0))).toBeNull();
    expect(scriptToAddress(h('2102' + '11'.repeat(32) + 'ac'))).toBeNull();
    expect(scriptToAddress(multisigScript(1, [h('02' + '11'.repeat(32))]))).toBeNull();
    // Witness v0 with a program that is neither 20 nor 32 bytes.
    expect(scriptToAddress(h('0010' + '00'.repeat(16)))).toBeNull();
  });
});

describe('round trips', () => {
  const network = fc.constantFrom<Network>(...NETS);
  const hash20 = fc.uint8Array({ minLength: 20, maxLength: 20 });
  const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const script = fc.oneof(
    hash20.map(p2pkhScript),
    hash20.map(p2shScript),
    hash20.map(p2wpkhScript),
    hash32.map(p2wshScript),
    hash32.map(p2trScript),
    fc
      .tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 2, maxLength: 40 }))
      .map(([v, program]) => witnessProgramScript(v, program)),
  );

  it('script → address → script for every kind and network', () => {
    fc.assert(
      fc.property(script, network, (s, net) => {
        const address = scriptToAddress(s, net);
        expect(address).not.toBeNull();
        expect(bytesToHex(addressToScript(address!, net))).toBe(bytesToHex(s));
        const decoded = decodeAddress(address!);
        if (decoded.kind === 'bech32') {
          expect(bytesToHex(addressToScript(address!.toUpperCase(), net))).toBe(bytesToHex(s));
        }
        expect(bytesToHex(decoded.script)).toBe(bytesToHex(s));
        expect(isValidAddress(address!, net)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('an address is never valid on a network with another bech32 HRP', () => {
    fc.assert(
      fc.property(fc.oneof(hash20.map(p2wpkhScript), hash32.map(p2trScript)), network, network, (s, a, b) => {
        const address = scriptToAddress(s, a)!;
        expect(isValidAddress(address, b)).toBe(a === b);
      }),
    );
  });

  it('one changed character is always caught', () => {
    fc.assert(
      fc.property(script, network, fc.nat(), fc.nat(), (s, net, pos, pick) => {
        const address = scriptToAddress(s, net)!;
        const isBech32 = decodeAddress(address).kind === 'bech32';
        const alphabet = isBech32 ? 'qpzry9x8gf2tvdw0s3jn54khce6mua7l' : '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
        const start = isBech32 ? address.lastIndexOf('1') + 1 : 0;
        const i = start + (pos % (address.length - start));
        const replacement = alphabet[pick % alphabet.length];
        fc.pre(replacement !== address[i]);
        const mutated = address.slice(0, i) + replacement + address.slice(i + 1);
        expect(isValidAddress(mutated)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeAddress on arbitrary input', () => {
  it('only ever throws AddressError', () => {
    const bech32ish = fc
      .tuple(fc.constantFrom('bc', 'tb', 'bcrt', 'BC', 'xx'), fc.string({ unit: fc.constantFrom(...'qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZ1bio'), maxLength: 95 }))
      .map(([hrp, data]) => `${hrp}1${data}`);
    const base58ish = fc.string({ unit: fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl'), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), bech32ish, base58ish), (text) => {
        try {
          const decoded = decodeAddress(text);
          expect(scriptToAddress(decoded.script, decoded.network)).not.toBeNull();
        } catch (e) {
          expect(e).toBeInstanceOf(AddressError);
          expect((e as Error).message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('script hashes', () => {
  const genesisP2pkh = h('76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac');

  it("Esplora's /scripthash/ key is SHA-256 in natural byte order", () => {
    expect(scripthashOf(genesisP2pkh)).toBe('6191c3b590bfcfa0475e877c302da1e323497acf3b42c08d8fa28e364edf018b');
  });

  it("the Electrum protocol's example is the same hash reversed", () => {
    expect(electrumScripthashOf(genesisP2pkh)).toBe('8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161');
    expect(electrumScripthashOf(h('76a91436896b2798eeec0fc03c95b52a357448ed0dfd4688ac'))).toBe(
      '719bcde52a3ef42b6f665d338eaed567ac66426dd3127595584abbd8e255dd58',
    );
    expect(bytesToHex(addressToScript('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'))).toBe(bytesToHex(genesisP2pkh));
  });
});
