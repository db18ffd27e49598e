import { NFTABLES, describeFirewallApi } from './utils/firewall-api.suite';

jest.setTimeout(40_000);

describeFirewallApi(NFTABLES);
