import { deadFields, resultFields } from './ingest-stream.client';
import { claimReplyOf, deliveriesOf, entriesOfRead, pendingSummaryOf, recordOf } from './stream-replies';

describe('stream replies', () => {
  it('decodes XREADGROUP, including an entry deleted while pending', () => {
    const reply = [['ids:flows:in', [['1-0', ['flow', '{}']], ['2-0', null]]]];
    expect(entriesOfRead(reply)).toEqual([{ id: '1-0', fields: [['flow', '{}']] }, { id: '2-0', fields: null }]);
    expect(entriesOfRead(null)).toEqual([]);
  });

  it('decodes XAUTOCLAIM, XPENDING and XINFO', () => {
    expect(claimReplyOf(['5-0', [['3-0', ['flows', '[]']]], ['4-0']])).toEqual({ next: '5-0', entries: [{ id: '3-0', fields: [['flows', '[]']] }], deleted: ['4-0'] });
    expect(claimReplyOf(['0-0', []])).toEqual({ next: '0-0', entries: [], deleted: [] });
    expect(pendingSummaryOf([2, '1-0', '3-0', [['c', '2']]])).toEqual({ count: 2, minId: '1-0' });
    expect(pendingSummaryOf([0, null, null, null])).toEqual({ count: 0, minId: null });
    expect(deliveriesOf([['1-0', 'c', 1200, 3]])).toEqual(new Map([['1-0', 3]]));
    expect(recordOf(['name', 'ids-ingest', 'lag', null, 'pending', 2])).toEqual({ name: 'ids-ingest', lag: null, pending: 2 });
  });

  it('writes output and dead-letter entries', () => {
    const result = { entryId: '1-0', index: 0, id: '42', flowId: null, label: 'BENIGN', confidence: 0.99, alertId: null };
    expect(resultFields(result)).toEqual(['entry_id', '1-0', 'index', '0', 'id', '42', 'label', 'BENIGN', 'confidence', '0.99']);
    const dead = deadFields({ entry: { id: '2-0', fields: [['flow', 'oops']] }, reason: 'flow: is not valid JSON' }, 'host-1');
    expect(dead).toEqual(expect.arrayContaining(['entry_id', '2-0', 'reason', 'flow: is not valid JSON', 'consumer', 'host-1', 'payload', '{"flow":"oops"}']));
  });
});
