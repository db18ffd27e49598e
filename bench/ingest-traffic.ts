import { FlowRow } from '../src/core/features';
import { featuresOf } from '../test/utils/fixtures';

/**
 * The ingest benchmark's traffic: real CIC-IDS2017 rows (the test fixture) in two mixes. "Typical": the dataset's
 * own share of benign flows (80 %), attacks coming from a pool of 32 attacker addresses, as attacks do (a few
 * sources, many flows): alerts are raised and then de-duplicated. "Storm": every flow an attack from an address
 * never seen before, so every flow raises a new alert; the worst case of the alert path.
 */
export type Mix = 'typical' | 'storm';

export const BATCH_SIZE = 1000;
const BENIGN_SHARE = 0.8;
const ATTACKERS = 32;

/** Flow `k` of a mix: its fixture row and source address. */
export function pick(rows: FlowRow[], k: number, mix: Mix): { row: FlowRow; src: string } {
  const attacks = rows.filter((r) => r.label !== 'BENIGN');
  if (mix === 'storm') return { row: attacks[k % attacks.length], src: `198.18.${(k >> 8) & 255}.${k & 255}` };
  const benign = rows.filter((r) => r.label === 'BENIGN');
  // a fixed, well-spread sequence: flow k is an attack when (k · golden ratio) mod 1 falls in the attack share
  const isAttack = (k * 0.6180339887) % 1 >= BENIGN_SHARE;
  return isAttack
    ? { row: attacks[k % attacks.length], src: `198.18.255.${k % ATTACKERS}` }
    : { row: benign[k % benign.length], src: `198.18.${(k >> 8) & 127}.${k & 255}` };
}

/** `n` flows of the ingest API, flows `offset` … `offset + n - 1` of the mix. */
export function flowsOf(rows: FlowRow[], n: number, offset: number, mix: Mix = 'typical') {
  return Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    const { row, src } = pick(rows, k, mix);
    return { src_ip: src, dst_ip: '198.19.0.1', src_port: 1024 + (k % 60000), dst_port: row.features[0], protocol: 6, features: featuresOf(row) };
  });
}
