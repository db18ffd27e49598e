import { riskLevelForSuricata } from '../../alerts/risk-level';
import { ValidatedFlow } from '../ingest/flow-input';
import { alertForFlow, ClassifiedFlow } from '../ingest/ingest-writer.service';
import { attackOfRuleMetadata } from './eve-attack';
import { EveFlowCounters, eveFeatures, EveTcpFlags } from '../../core/features/eve-features';
import { address, counter, flowId, isRecord, optionalPort, Problems, protocol, timestamp } from './eve-fields';

/** What one EVE line becomes: a flow for the model, a Suricata alert (with its flow row), or a skipped type. */
export type EveItem = { kind: 'flow'; flow: ValidatedFlow } | { kind: 'alert'; item: ClassifiedFlow } | { kind: 'skipped' };

/** alerts.attack_type is varchar(128). */
const MAX_ATTACK_TYPE = 128;

/**
 * Reads one EVE event. `flow` and `alert` events must carry what is needed to store them (problems are added as
 * `name: reason`); every other event type is skipped as it is.
 */
export function readEveEvent(event: Record<string, unknown>, line: string, problems: Problems): EveItem | null {
  if (event.event_type === 'flow') return readFlowEvent(event, line, problems);
  if (event.event_type === 'alert') return readAlertEvent(event, line, problems);
  return { kind: 'skipped' };
}

function readFlowEvent(event: Record<string, unknown>, line: string, problems: Problems): EveItem | null {
  const before = problems.length;
  const base = readTuple(event, line, problems);
  if (!isRecord(event.flow)) {
    problems.push('flow: is required (an object with the flow counters)');
    return null;
  }
  const counters = readCounters(event.flow, problems, true);
  const tcp = readTcp(event.tcp, problems);
  if (!base || problems.length > before) return null;
  return { kind: 'flow', flow: { ...base, features: eveFeatures(base.dstPort, counters, base.protocol === 6 ? tcp : null) } };
}

function readAlertEvent(event: Record<string, unknown>, line: string, problems: Problems): EveItem | null {
  const before = problems.length;
  const base = readTuple(event, line, problems);
  const alert = event.alert;
  if (!isRecord(alert)) {
    problems.push('alert: is required (an object with signature, signature_id and severity)');
    return null;
  }
  const signature = typeof alert.signature === 'string' && alert.signature.trim() ? alert.signature.trim() : undefined;
  if (!signature) problems.push('alert.signature: must be a non-empty string');
  const signatureId = counter(alert.signature_id, 'alert.signature_id', problems, true);
  const severity = counter(alert.severity, 'alert.severity', problems, true);
  if (severity === 0) problems.push('alert.severity: must be 1 or more');
  const counters = isRecord(event.flow) ? readCounters(event.flow, problems, false) : {};
  const tcp = readTcp(event.tcp, problems);
  if (!base || !signature || severity === undefined || problems.length > before) return null;
  const flow: ValidatedFlow = { ...base, features: eveFeatures(base.dstPort, counters, base.protocol === 6 ? tcp : null) };
  const details = {
    signature,
    signature_id: signatureId,
    rev: typeof alert.rev === 'number' ? alert.rev : null,
    gid: typeof alert.gid === 'number' ? alert.gid : null,
    category: typeof alert.category === 'string' ? alert.category : null,
    severity,
    action: typeof alert.action === 'string' ? alert.action : null,
    app_proto: typeof event.app_proto === 'string' ? event.app_proto : null,
    suricata_flow_id: base.flowId,
  };
  return {
    kind: 'alert',
    item: {
      flow,
      verdict: null,
      // the signature, not the category: categories are broad ("Misc activity") and would fold unrelated
      // signatures between two hosts into one alert, keeping the evidence of only the first
      alert: alertForFlow(flow, {
        attackType: signature.slice(0, MAX_ATTACK_TYPE),
        source: 'suricata',
        confidence: 1,
        riskLevel: riskLevelForSuricata(severity),
        details,
        attack: attackOfRuleMetadata(alert.metadata),
      }),
    },
  };
}

/** The 5-tuple, timestamp and flow id every stored event needs. */
function readTuple(event: Record<string, unknown>, line: string, problems: Problems): Omit<ValidatedFlow, 'features'> | null {
  const before = problems.length;
  const ts = timestamp(event.timestamp, 'timestamp', problems);
  const tuple = {
    flowId: flowId(event.flow_id, line, problems),
    srcIp: address(event.src_ip, 'src_ip', problems),
    dstIp: address(event.dest_ip, 'dest_ip', problems),
    srcPort: optionalPort(event.src_port, 'src_port', problems),
    dstPort: optionalPort(event.dest_port, 'dest_port', problems),
    protocol: protocol(event.proto, problems),
  };
  if (problems.length > before || ts === undefined) return null;
  return {
    flowId: tuple.flowId ?? null,
    srcIp: tuple.srcIp ?? null,
    dstIp: tuple.dstIp ?? null,
    srcPort: tuple.srcPort ?? null,
    dstPort: tuple.dstPort ?? null,
    protocol: tuple.protocol ?? null,
    timestamp: new Date(Math.floor(ts / 1000)),
  };
}

function readCounters(flow: Record<string, unknown>, problems: Problems, required: boolean): EveFlowCounters {
  const time = (name: 'start' | 'end') =>
    flow[name] === undefined && !required ? undefined : timestamp(flow[name], `flow.${name}`, problems);
  return {
    pktsToServer: counter(flow.pkts_toserver, 'flow.pkts_toserver', problems, required),
    pktsToClient: counter(flow.pkts_toclient, 'flow.pkts_toclient', problems, required),
    bytesToServer: counter(flow.bytes_toserver, 'flow.bytes_toserver', problems, required),
    bytesToClient: counter(flow.bytes_toclient, 'flow.bytes_toclient', problems, required),
    startUs: time('start'),
    endUs: time('end'),
  };
}

function readTcp(tcp: unknown, problems: Problems): EveTcpFlags | null {
  if (tcp === undefined || tcp === null) return null;
  if (!isRecord(tcp)) {
    problems.push('tcp: must be an object');
    return null;
  }
  const hex = (name: 'tcp_flags_ts' | 'tcp_flags_tc') => {
    const v = tcp[name];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && /^[0-9a-f]{1,2}$/i.test(v)) return parseInt(v, 16);
    problems.push(`tcp.${name}: must be a hexadecimal byte such as 1b`);
    return undefined;
  };
  const flag = (name: keyof EveTcpFlags) => tcp[name] === true;
  return {
    fin: flag('fin'),
    syn: flag('syn'),
    rst: flag('rst'),
    psh: flag('psh'),
    ack: flag('ack'),
    urg: flag('urg'),
    ecn: flag('ecn'),
    cwr: flag('cwr'),
    toServer: hex('tcp_flags_ts'),
    toClient: hex('tcp_flags_tc'),
  };
}
