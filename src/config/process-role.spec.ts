import { PROCESS_ROLES, runsWorkers, servesApi } from './process-role';

describe('process roles', () => {
  it('splits the work: api serves, worker works, all does both', () => {
    expect(PROCESS_ROLES.map((role) => ({ role, serves: servesApi(role), works: runsWorkers(role) }))).toEqual([
      { role: 'all', serves: true, works: true },
      { role: 'api', serves: true, works: false },
      { role: 'worker', serves: false, works: true },
    ]);
  });
});
