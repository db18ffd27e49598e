import { buildConfig } from '../config/app-config';
import { EnvValidationError, validateEnv } from '../config/env.schema';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    validateEnv(env);
    return [];
  } catch (e) {
    if (e instanceof EnvValidationError) return e.problems;
    throw e;
  }
};

describe('network configuration (FIREWALL_*)', () => {
  it('defaults to the dry-run driver outside production and iptables in production', () => {
    expect(buildConfig(validateEnv({})).network).toMatchObject({
      firewall: { driver: 'dry-run', netns: undefined, setPrefix: 'ids_ai', commandTimeoutMs: 15000 },
      reconcileSeconds: 30,
      managementCidrs: [],
      escalation: { lookbackSeconds: 86400, factor: 2, maxSeconds: 604800 },
      jobs: { attempts: 5, backoffMs: 1000 },
    });
    const production = validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(buildConfig(production).network.firewall.driver).toBe('iptables');
    expect(buildConfig(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), FIREWALL_DRIVER: 'nftables' })).network.firewall.driver).toBe('nftables');
  });

  it('splits and trims the management networks and accepts fractional escalation factors', () => {
    const config = buildConfig(validateEnv({ FIREWALL_MANAGEMENT_CIDRS: ' 10.0.0.0/8, 2001:db8::1 ,', FIREWALL_ESCALATION_FACTOR: '1.5' }));
    expect(config.network.managementCidrs).toEqual(['10.0.0.0/8', '2001:db8::1']);
    expect(config.network.escalation.factor).toBe(1.5);
  });

  it.each([
    ['FIREWALL_DRIVER', 'pf'],
    ['FIREWALL_NETNS', '-n evil'],
    ['FIREWALL_NETNS', 'a b'],
    ['FIREWALL_SET_PREFIX', 'IDS'],
    ['FIREWALL_SET_PREFIX', 'x;flush'],
    ['FIREWALL_RECONCILE_SECONDS', '0'],
    ['FIREWALL_MANAGEMENT_CIDRS', '10.0.0.0/8,localhost'],
    ['FIREWALL_MANAGEMENT_CIDRS', '010.0.0.1'],
    ['FIREWALL_ESCALATION_FACTOR', '0.5'],
    ['FIREWALL_ESCALATION_FACTOR', 'x2'],
    ['FIREWALL_ESCALATION_MAX_SECONDS', '3000000'],
    ['FIREWALL_JOB_ATTEMPTS', '0'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect([...new Set(problemsOf({ [name]: value }).map((p) => p.split(':')[0]))]).toEqual([name]);
  });
});
