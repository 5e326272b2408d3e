// Tor v3 onion addresses for the lab's darkweb: encoding, parsing with Tor's reasons for refusal,
// deterministic derivation from a world's Rng, and phishing lookalikes.
export {
  BASE32_ALPHABET,
  ONION_LENGTH,
  ONION_V2_LENGTH,
  ONION_VERSION,
  OnionAddressError,
  deriveOnion,
  deriveOnionIdentity,
  isValidOnion,
  normalizeOnion,
  onionChecksum,
  onionFromPublicKey,
  parseOnion,
  type OnionAddressProblem,
  type OnionIdentity,
  type ParsedOnion,
} from './address.ts';
export { MAX_PREFIX_CHARS, MAX_SUFFIX_CHARS, lookalikeOnion } from './vanity.ts';
