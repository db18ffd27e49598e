import { readFileSync } from 'node:fs';
import { isIP, Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { SyslogDestination } from '../../core/syslog-destination';

export interface SyslogTlsFiles {
  caFile: string | null;
  certFile: string | null;
  keyFile: string | null;
}

const read = (path: string | null) => (path ? readFileSync(path) : undefined);

/**
 * Sends the frames over one connection and half-closes it; resolves when the receiver has closed its side too,
 * i.e. it read everything up to our end of stream (syslog has no acknowledgement; rsyslog closes a session when it
 * reads its end). Rejects on a connection error, a TLS verification failure or the timeout.
 */
export function sendSyslog(
  destination: SyslogDestination,
  frames: Buffer[],
  tls: SyslogTlsFiles,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const send = () => {
      for (const frame of frames) socket.write(frame);
      socket.end();
    };
    try {
      if (destination.transport === 'tls') {
        socket = tlsConnect(
          {
            host: destination.host,
            port: destination.port,
            servername: isIP(destination.host) ? undefined : destination.host,
            ca: read(tls.caFile),
            cert: read(tls.certFile),
            key: read(tls.keyFile),
          },
          send,
        );
      } else {
        socket = tcpConnect({ host: destination.host, port: destination.port }, send);
      }
    } catch (e) {
      clearTimeout(timer);
      reject(e as Error);
      return;
    }
    socket.on('error', (e) => finish(e));
    socket.on('data', () => undefined); // receivers send nothing; keep the stream flowing so 'end' is seen
    socket.on('end', () => finish());
    socket.on('close', () => finish(new Error('connection closed before the receiver read the end of the stream')));
  });
}
