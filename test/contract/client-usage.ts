/**
 * A strict TypeScript client's view of the contract: types generated from openapi.json by openapi-typescript
 * (`npm run contract:client`), used as the frontend uses them. It only has to compile under `--strict`.
 */
import type { components, paths } from './generated/openapi';

type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type Ok<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer R } } };
}
  ? R
  : never;

declare function call<P extends keyof paths, M extends keyof paths[P], S extends number = 200>(
  path: P,
  method: M,
  body?: Json<P, M>,
): Promise<Ok<P, M, S>>;

export async function dashboard(): Promise<string[]> {
  const session = await call('/api/v1/auth/login', 'post', { email: 'analyst@example.com', password: 'a long passphrase' });
  const token: string = session.access_token;
  const role: 'admin' | 'security' | 'viewer' = session.user.role;

  const page = await call('/api/v1/alerts', 'get');
  const lines = page.items.map((a: components['schemas']['AlertDto']) => `${a.id} ${a.attack_type} ${a.risk_level} ${a.src_ip ?? '-'}`);
  const cursor: string | null = page.meta.next_cursor;

  // optional fields stay optional: a block needs only the address and a reason
  const block: components['schemas']['BlockIpDto'] = { ip: '198.51.100.7', reason: 'port scan' };
  const action = await call('/api/v1/network/block-ip', 'post', block);
  const status: components['schemas']['NetworkActionDto']['status'] = action.status;

  const overview = await call('/api/v1/stats/overview', 'get');

  // a model version's evaluation report (metrics.json) and training data, typed down to the per-class figures
  const models = await call('/api/v1/inference/models', 'get');
  const figures = models.map(({ version, metrics, data_summary }) => {
    const macroF1: number | null | undefined = metrics.macroF1;
    const perClass = Object.entries(metrics.perClass ?? {}).map(([label, s]) => `${label} ${s.f1} (${s.support})`);
    const sources = metrics.evaluation?.data.sources?.map((d) => `${d.name}: ${d.rows}`) ?? [];
    const transfer = metrics.transfer?.runs.map((r) => `${r.trainedOn}->${r.scoredOn} ${r.sharedClasses.rows}`) ?? [];
    const data = data_summary.data ?? [];
    const trainedOn = typeof data === 'string' ? [data] : data.map((d) => d.file);
    return [version, String(macroF1 ?? '-'), ...perClass, ...sources, ...transfer, ...trainedOn].join(' ');
  });
  return [token, role, ...lines, cursor ?? '', status, String(overview.alerts.open), ...figures];
}
