import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEveEvent } from '../../flows/eve/eve-event';
import { FEATURE_COUNT, FEATURE_INDEX } from '../../core/features/feature-names';
import { useBackend } from './backend-selector';
import { loadDetectionModel } from './model-artifact';
import { countTrainingSupport, readTrainingSupport, SupportRow, TrainingSupport, TrainingSupportFile } from './training-support';

const root = join(__dirname, '..', '..', '..');
const EVE_MODEL = join(root, 'models', 'default-eve');

function row(label: string, protocol: number | null, tcpFlag = false): SupportRow {
  const features = new Float64Array(FEATURE_COUNT);
  if (tcpFlag) features[FEATURE_INDEX.get('ACK Flag Count')!] = 1;
  return { label, protocol, features };
}

const repeat = (n: number, make: () => SupportRow) => Array.from({ length: n }, make);

describe('training support', () => {
  it('counts rows per protocol and class: the protocol column, else TCP when a TCP flag was counted, else unknown', () => {
    const support = countTrainingSupport(
      [row('BENIGN', 17), row('PortScan', null, true), row('BENIGN', null), row('PortScan', 6), row('BENIGN', 58, true)],
      5,
    );
    expect(support).toEqual({
      formatVersion: 1,
      rows: 5,
      unknownProtocolRows: 1,
      minClassRows: 50,
      protocols: { '6': { PortScan: 2 }, '17': { BENIGN: 1 }, '58': { BENIGN: 1 } },
    });
    expect(countTrainingSupport([], 10).minClassRows).toBe(100);
  });

  describe('allowed classes per protocol', () => {
    const labels = ['BENIGN', 'DoS Hulk', 'Heartbleed', 'PortScan'];
    const file = countTrainingSupport([
      ...repeat(500, () => row('BENIGN', 6)),
      ...repeat(300, () => row('BENIGN', 17)),
      ...repeat(400, () => row('DoS Hulk', 6)),
      ...repeat(6, () => row('Heartbleed', 6)),
      ...repeat(3, () => row('Heartbleed', 17)),
      ...repeat(200, () => row('PortScan', 6)),
      ...repeat(12, () => row('PortScan', 17)),
      ...repeat(2, () => row('PortScan', 1)),
    ]);
    const support = new TrainingSupport(file, labels);
    const allowedLabels = (protocol: number | null) => {
      const allowed = support.allowed(protocol);
      return allowed && labels.filter((_, k) => allowed[k]);
    };

    it('allows a class on a protocol with at least minClassRows of its rows', () => {
      expect(allowedLabels(6)).toEqual(labels);
    });

    it('sets aside a class seen on a protocol only a few times while it has plenty elsewhere', () => {
      expect(allowedLabels(17)).toEqual(['BENIGN']);
      expect(allowedLabels(1)).toEqual(['BENIGN']);
      expect(support.rowsOf(17, 'PortScan')).toBe(12);
    });

    it('keeps a class rare everywhere where most of its rows were seen', () => {
      expect(support.allowed(6)![labels.indexOf('Heartbleed')]).toBe(true);
      expect(support.allowed(17)![labels.indexOf('Heartbleed')]).toBe(false);
    });

    it('allows BENIGN alone on a protocol the training data never showed, and everything when the protocol is unknown', () => {
      expect(allowedLabels(58)).toEqual(['BENIGN']);
      expect(allowedLabels(2)).toEqual(['BENIGN']);
      expect(support.allowed(null)).toBeNull();
      expect(support.allowed(undefined)).toBeNull();
    });
  });

  describe('the shipped EVE model', () => {
    let file: TrainingSupportFile;

    beforeAll(async () => {
      expect(await useBackend('cpu')).toBe(true);
      file = (await readTrainingSupport(EVE_MODEL))!;
    });

    it('carries the support of the rows it was trained on', () => {
      const manifest = JSON.parse(readFileSync(join(EVE_MODEL, 'manifest.json'), 'utf8'));
      expect(file.rows).toBe(manifest.training.rows);
      const counted = Object.values(file.protocols).flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
      expect(counted + file.unknownProtocolRows).toBe(file.rows);
      // every attack row of both files is TCP but a handful of the internal port scan's UDP and ICMP probes
      expect(Object.keys(file.protocols['17']).sort()).toEqual(['BENIGN', 'Infiltration PortScan']);
      expect(file.protocols['58']).toBeUndefined();
    });

    it("sets aside the network's first class where the training data does not support it, and only there", async () => {
      const { model } = await loadDetectionModel(EVE_MODEL);
      try {
        // a real ICMPv6 router solicitation from the lab eve.json: one 70-byte packet, no answer
        const line = readFileSync(join(root, 'test', 'fixtures', 'suricata-lab-eve.json'), 'utf8')
          .split('\n')
          .find((l) => l.includes('"event_type":"flow"') && l.includes('"IPv6-ICMP"') && l.includes('"bytes_toserver":70,'))!;
        const item = readEveEvent(JSON.parse(line), line, []);
        expect(item?.kind).toBe('flow');
        const vector = item!.kind === 'flow' ? item!.flow.features : new Float64Array();
        const [unknown, icmpv6, tcp] = await model.predict([vector, vector, vector], { explain: false, protocols: [null, 58, 6] });
        expect(unknown.label).not.toBe('BENIGN');
        expect(unknown.unsupported).toBeUndefined();
        expect(tcp).toMatchObject({ label: unknown.label, confidence: unknown.confidence });
        expect(tcp.unsupported).toBeUndefined();
        // BENIGN with the network's own (low) probability; the set-aside class is kept as evidence
        const benign = icmpv6.top3.find((c) => c.label === 'BENIGN')!;
        expect(icmpv6).toMatchObject({ label: 'BENIGN', confidence: benign.probability, unsupported: unknown.top3[0] });
        expect(icmpv6.confidence).toBeLessThan(0.5);
        // without protocols, as before the rule
        const [plain] = await model.predict([vector], { explain: false });
        expect(plain.label).toBe(unknown.label);
      } finally {
        model.dispose();
      }
    });
  });
});
