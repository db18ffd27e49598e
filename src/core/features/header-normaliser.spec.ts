import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_INDEX, FEATURE_NAMES } from './feature-names';
import { headerKey, normaliseHeader, resolveColumns } from './header-normaliser';

const fixture = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', name);
const headerOf = (name: string) => readFileSync(fixture(name), 'utf8').split(/\r?\n/, 1)[0].split(',');

describe('normaliseHeader', () => {
  it('ignores surrounding spaces, case and punctuation', () => {
    expect(normaliseHeader(' Flow Duration')).toBe('Flow Duration');
    expect(normaliseHeader('flow duration ')).toBe('Flow Duration');
    expect(normaliseHeader('flow_duration')).toBe('Flow Duration');
    expect(normaliseHeader(' Flow Bytes/s')).toBe('Flow Bytes/s');
    expect(normaliseHeader('flow_bytes_s')).toBe('Flow Bytes/s');
    expect(normaliseHeader('INIT_WIN_BYTES_FORWARD')).toBe('Init_Win_bytes_forward');
    expect(normaliseHeader(' Fwd Header Length.1')).toBe('Fwd Header Length.1');
  });

  it('knows the flow identity fields, their short spellings and the label', () => {
    expect(normaliseHeader(' Source IP')).toBe('Source IP');
    expect(normaliseHeader('src_ip')).toBe('Source IP');
    expect(normaliseHeader('Dst Port')).toBe('Destination Port');
    expect(normaliseHeader('Flow ID')).toBe('Flow ID');
    expect(normaliseHeader(' Timestamp')).toBe('Timestamp');
    expect(normaliseHeader(' Label')).toBe('Label');
  });

  it('returns undefined for unknown names', () => {
    expect(normaliseHeader('Unnamed: 0')).toBeUndefined();
    expect(normaliseHeader('')).toBeUndefined();
  });

  it('gives every canonical feature its own key', () => {
    expect(new Set(FEATURE_NAMES.map(headerKey)).size).toBe(FEATURE_NAMES.length);
    expect(FEATURE_NAMES).toHaveLength(78);
  });
});

describe('resolveColumns', () => {
  it('maps the MachineLearningCVE header (79 columns) in order', () => {
    const layout = resolveColumns(headerOf('cicids2017-sample.csv'));
    expect(layout.columnCount).toBe(79);
    expect(Array.from(layout.featureColumns)).toEqual(FEATURE_NAMES.map((_, i) => i));
    expect(layout.labelColumn).toBe(78);
    expect(layout.metaColumns).toEqual({});
    expect(layout).toMatchObject({ unknown: [], missing: [], duplicated: [] });
  });

  it('maps the GeneratedLabelledFlows header, whose second Fwd Header Length is the duplicate', () => {
    const header = headerOf('cicids2017-generated-sample.csv');
    const layout = resolveColumns(header);
    expect(layout.columnCount).toBe(85);
    expect(layout.metaColumns).toEqual({ flowId: 0, srcIp: 1, srcPort: 2, dstIp: 3, protocol: 5, timestamp: 6 });
    expect(layout.featureColumns[FEATURE_INDEX.get('Destination Port') as number]).toBe(4);
    const first = layout.featureColumns[FEATURE_INDEX.get('Fwd Header Length') as number];
    const second = layout.featureColumns[FEATURE_INDEX.get('Fwd Header Length.1') as number];
    expect(header[first].trim()).toBe('Fwd Header Length');
    expect(header[second].trim()).toBe('Fwd Header Length');
    expect(second).toBeGreaterThan(first);
    expect(layout).toMatchObject({ unknown: [], missing: [], duplicated: [], labelColumn: 84 });
  });

  it('feeds both Fwd Header Length features from a single column when the duplicate is absent', () => {
    const header = headerOf('cicids2017-sample.csv').filter((h) => h.trim() !== 'Fwd Header Length.1');
    const layout = resolveColumns(header);
    const first = layout.featureColumns[FEATURE_INDEX.get('Fwd Header Length') as number];
    expect(layout.featureColumns[FEATURE_INDEX.get('Fwd Header Length.1') as number]).toBe(first);
    expect(layout.missing).toEqual([]);
  });

  it('reports missing, unknown and repeated columns', () => {
    const header = [...headerOf('cicids2017-sample.csv').filter((h) => h.trim() !== 'Flow Duration'), 'Extra', 'flow_iat_mean'];
    const layout = resolveColumns(header);
    expect(layout.missing).toEqual(['Flow Duration']);
    expect(layout.unknown).toEqual(['Extra']);
    expect(layout.duplicated).toEqual(['Flow IAT Mean']);
  });
});
