import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalRefusal, type RegulatorPortal } from './portal';

const MAX_BODY = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new PortalRefusal(400, 'report too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * POST /api/reports (application/jose: a compact JWS) -> 201 receipt (200 for a re-submission);
 * GET /api/reports/<id>; POST /__admin/faults {"failNext": n}; GET /health.
 */
export async function startPortalServer(
  portal: RegulatorPortal,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const handle = async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/health') return send(200, { status: 'ok', reports: portal.count() });
      if (req.method === 'POST' && path === '/api/reports') {
        if (!(req.headers['content-type'] ?? '').startsWith('application/jose'))
          return send(415, { error: 'send the report as application/jose (a compact JWS)' });
        const { receipt, created } = await portal.submit(await readBody(req));
        return send(created ? 201 : 200, receipt);
      }
      const match = /^\/api\/reports\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && match) {
        const found = portal.find(decodeURIComponent(match[1]!));
        return found ? send(200, found) : send(404, { error: 'no such report' });
      }
      if (req.method === 'POST' && path === '/__admin/faults') {
        const body = JSON.parse((await readBody(req)) || '{}') as { failNext?: unknown };
        const failNext = typeof body.failNext === 'number' && body.failNext >= 0 ? Math.floor(body.failNext) : 0;
        portal.failNext(failNext);
        return send(200, { failNext });
      }
      return send(404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof PortalRefusal) send(error.status, { error: error.message });
      else send(500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}` };
}
