import { ActiveDecision } from './decisions.repository';
import { decisionFilter, toDecisionDto } from './decisions.service';

const decision = (attrs: Partial<ActiveDecision> = {}): ActiveDecision => ({
  id: '7',
  origin: 'ids-ai',
  scope: 'Ip',
  value: '198.51.100.7',
  scenario: 'PortScan',
  until: new Date('2026-12-07T00:00:00.000Z'),
  remainingMs: 14_398_500,
  ...attrs,
});

describe('decisionFilter (the bouncer query filters)', () => {
  it('matches a feed entry by its feed name as origin', () => {
    const fromFeed = decision({ origin: 'firehol_level1', scenario: 'feed:firehol_level1', until: null, remainingMs: null });
    expect(decisionFilter({ origins: 'FireHOL_level1' })(fromFeed)).toBe(true);
    expect(decisionFilter({ origins: 'ids-ai' })(fromFeed)).toBe(false);
    expect(toDecisionDto(fromFeed)).toMatchObject({ origin: 'firehol_level1', duration: '87600h0m0s', scenario: 'feed:firehol_level1' });
  });

  const ip = decision();
  const range = decision({ id: '8', scope: 'Range', value: '203.0.113.0/24', scenario: 'manual block: DDoS source' });

  it('defaults to scopes ip and range, every origin and scenario', () => {
    const keep = decisionFilter({});
    expect([keep(ip), keep(range)]).toEqual([true, true]);
  });

  it.each([
    [{ scopes: 'range' }, [false, true]],
    [{ scopes: ' IP , Range ' }, [true, true]],
    [{ scopes: 'country' }, [false, false]],
    [{ origins: 'crowdsec,cscli' }, [false, false]],
    [{ origins: 'CAPI,IDS-AI' }, [true, true]],
    [{ scenarios_containing: 'ddos' }, [false, true]],
    [{ scenarios_containing: 'scan,ddos' }, [true, true]],
    [{ scenarios_not_containing: 'portscan' }, [false, true]],
    [{ scenarios_containing: 'scan', scenarios_not_containing: 'port' }, [false, false]],
    [{ scenarios_containing: '', scopes: ' ', origins: ',' }, [true, true]],
  ])('%j keeps %j of [ip, range]', (query, kept) => {
    const keep = decisionFilter(query);
    expect([keep(ip), keep(range)]).toEqual(kept);
  });
});

describe('toDecisionDto (CrowdSec models.Decision)', () => {
  it('writes a timed block with its remaining Go duration and end', () => {
    expect(toDecisionDto(decision())).toEqual({
      id: 7,
      origin: 'ids-ai',
      type: 'ban',
      scope: 'Ip',
      value: '198.51.100.7',
      duration: '3h59m58.5s',
      until: '2026-12-07T00:00:00.000Z',
      scenario: 'PortScan',
    });
  });

  it('writes a permanent block as ten years without an end', () => {
    const dto = toDecisionDto(decision({ until: null, remainingMs: null }));
    expect(dto.duration).toBe('87600h0m0s');
    expect('until' in dto).toBe(false);
  });

  it('writes an expired one with a negative duration', () => {
    expect(toDecisionDto(decision({ remainingMs: -2500 })).duration).toBe('-2.5s');
  });
});
