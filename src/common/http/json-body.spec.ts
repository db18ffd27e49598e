import { FastifyInstance } from 'fastify';
import { holdsNoEscape, JsonBodyFastifyAdapter, jsonBodyText } from './json-body';

describe('jsonBodyText', () => {
  it('gives the text UTF-8 decoding gives, for ASCII, multi-byte, a byte-order mark and invalid bytes', () => {
    const bodies = [
      Buffer.from('{"flows":[{"src_ip":"198.18.0.1","features":[1,2.5e-7,null,"Infinity"]}]}'),
      Buffer.from('{"flow_id":"ünïcode – 流 🚀"}'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]),
      Buffer.alloc(0),
    ];
    for (const body of bodies) expect(jsonBodyText(body)).toBe(body.toString('utf8'));
  });
});

describe('JsonBodyFastifyAdapter', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    const adapter = new JsonBodyFastifyAdapter();
    adapter.registerParserMiddleware();
    fastify = adapter.getInstance<FastifyInstance>();
    fastify.post('/echo', async (request) => ({ body: request.body, escapeFree: holdsNoEscape(request.body) }));
    await fastify.ready();
  });

  afterAll(() => fastify.close());

  const post = (payload: string | Buffer, contentType = 'application/json') =>
    fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload });

  it('parses ASCII and UTF-8 bodies', async () => {
    expect((await post('{"n":[1,-2.5,1e300],"s":"198.18.0.1"}')).json()).toEqual({ body: { n: [1, -2.5, 1e300], s: '198.18.0.1' }, escapeFree: true });
    expect((await post(Buffer.from('{"flow_id":"ünïcode – 流 🚀"}'))).json()).toEqual({ body: { flow_id: 'ünïcode – 流 🚀' }, escapeFree: true });
    expect((await post('{"flow_id":"a\\u00e9"}')).json()).toEqual({ body: { flow_id: 'a\u00e9' }, escapeFree: false });
    expect((await post(Buffer.from('\ufeff{"a":1}'))).json()).toEqual({ body: { a: 1 }, escapeFree: true });
  });

  it('refuses what Fastify refuses: bad JSON, an empty body, prototype and constructor poisoning', async () => {
    const refused = [
      '{"a":',
      '',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      // the same keys with letters written as escapes
      '{"\\u005f_proto__":{"x":1}}',
      '{"flows":[{"c\\u006fnstructor":{"prototype":{"x":1}}}]}',
    ];
    for (const payload of refused) {
      const response = await post(payload);
      expect({ payload, status: response.statusCode }).toEqual({ payload, status: 400 });
    }
    // the words as values are not keys: accepted
    expect((await post('{"note":"__proto__ constructor"}')).json()).toEqual({ body: { note: '__proto__ constructor' }, escapeFree: true });
  });

  it('keeps Nest\'s URL-encoded parser', async () => {
    expect((await post('a=1&b=two', 'application/x-www-form-urlencoded')).json()).toEqual({ body: { a: '1', b: 'two' }, escapeFree: false });
  });
});
