// A world wallet: a chain Wallet owned by an entity, with the habits that give real wallets their
// fingerprints (address type, change position, nSequence/locktime, fee-rate habit, reuse).
import { Wallet } from '../chain/wallet.ts';
import type { KeyDeriver, DerivedKey } from '../chain/keys.ts';
import type { AddressKind, Network } from '../chain/types.ts';
import type { AddressRole } from './truth/types.ts';

export interface WalletHabits {
  /** Receive every payment on one address (careless users, some services). */
  reuseAddress: boolean;
  /** Send change back to the input's address instead of a fresh one. */
  changeToSameAddress: boolean;
  /** Put change at a random output position (most modern wallets) rather than last. */
  shuffleOutputs: boolean;
  /** Signal replace-by-fee (nSequence 0xfffffffd). */
  rbf: boolean;
  /** Bitcoin Core's anti-fee-sniping: locktime = current height. */
  antiFeeSniping: boolean;
  /** Multiplier on the going fee rate (impatient > 1, thrifty < 1). */
  feeFactor: number;
}

export const DEFAULT_HABITS: WalletHabits = {
  reuseAddress: false,
  changeToSameAddress: false,
  shuffleOutputs: true,
  rbf: false,
  antiFeeSniping: false,
  feeFactor: 1,
};

/** Where a payment goes: a world wallet's address and why it was handed out. */
export interface Receiver {
  wallet: SimWallet;
  key: DerivedKey;
  script: Uint8Array;
  role: AddressRole;
}

export class SimWallet extends Wallet {
  private reused: Receiver | null = null;

  constructor(
    deriver: KeyDeriver,
    id: number,
    kind: AddressKind,
    network: Network,
    readonly entityId: number,
    readonly label: string,
    readonly habits: WalletHabits,
  ) {
    super(deriver, id, kind, network);
  }

  /** An address to be paid at: fresh, or the same one for address-reusing wallets. */
  address(role: AddressRole = 'receive'): Receiver {
    if (this.habits.reuseAddress && this.reused) return this.reused;
    const r = this.receive();
    const receiver = { wallet: this, key: r.key, script: r.script, role };
    if (this.habits.reuseAddress) this.reused = receiver;
    return receiver;
  }

  /** Always a new address, whatever the habits (deposit addresses, one-time addresses). */
  freshAddress(role: AddressRole = 'receive'): Receiver {
    const r = this.receive();
    return { wallet: this, key: r.key, script: r.script, role };
  }
}
