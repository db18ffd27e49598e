import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { sendSyslog } from './syslog.client';
import { octetFrame, parseOctetFrames } from './syslog-frame';

const noTls = { caFile: null, certFile: null, keyFile: null };

/** A TCP receiver on loopback that reads everything and then closes, or never closes (`hold`). */
async function receiver(hold: boolean): Promise<{ server: Server; port: number; got: () => string[] }> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  // half-open allowed: Node would otherwise answer the client's end of stream by closing at once
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => (hold ? undefined : socket.end()));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, got: () => parseOctetFrames(Buffer.concat(chunks)).messages };
}

const servers: Server[] = [];
const close = (server: Server) => {
  server.close();
  server.emit('close');
};

describe('syslog client', () => {
  afterEach(() => servers.splice(0).forEach(close));

  it('sends every frame and resolves when the receiver has read to the end and closed', async () => {
    const r = await receiver(false);
    const destination = { name: 'tcp', transport: 'tcp' as const, host: '127.0.0.1', port: r.port };
    const frames = [octetFrame('<83>1 - - - - - - one'), octetFrame('<83>1 - - - - - - two')];
    await sendSyslog(destination, frames, noTls, 2000);
    expect(r.got()).toEqual(['<83>1 - - - - - - one', '<83>1 - - - - - - two']);
  });

  it('fails when the receiver keeps the session open, so the delivery is retried', async () => {
    const r = await receiver(true);
    const destination = { name: 'tcp', transport: 'tcp' as const, host: '127.0.0.1', port: r.port };
    await expect(sendSyslog(destination, [octetFrame('<83>1 - - - - - - x')], noTls, 300)).rejects.toThrow(/timed out/);
    expect(r.got()).toEqual(['<83>1 - - - - - - x']); // read, but not acknowledged by a close
  });

  it('fails when nothing listens', async () => {
    const r = await receiver(false);
    close(r.server);
    const destination = { name: 'tcp', transport: 'tcp' as const, host: '127.0.0.1', port: r.port };
    const sent = sendSyslog(destination, [octetFrame('<83>1 - - - - - - x')], noTls, 2000);
    await expect(sent).rejects.toThrow(/ECONNREFUSED/);
  });
});
