import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Witness } from './witness';

const MAX_BODY = 64 * 1024;

/** POST /add-checkpoint (C2SP tlog-witness) and GET /health; everything else is 404. */
export async function startWitnessServer(
  witness: Witness,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health')
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (req.method !== 'POST' || req.url !== '/add-checkpoint') return void res.writeHead(404).end('not found\n');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      witness.addCheckpoint(Buffer.concat(chunks).toString('utf8')).then(
        (answer) => res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n'),
      );
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}
