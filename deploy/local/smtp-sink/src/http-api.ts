// HTTP side: JSON API for tests and tools, and the HTML view.
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { renderInbox, renderMail } from './html';
import type { MailStore } from './mail-store';
import type { RecipientPolicy } from './recipient-rules';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

const listQuery = z.object({
  to: z.string().min(1).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
});

const addresses = z.array(z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'));
const configPatch = z.object({ reject: addresses.optional(), tempFail: addresses.optional() }).strict();

// The page itself needs only inline styles; message HTML lives in a sandboxed srcdoc iframe.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'";

export function createHttpApp(store: MailStore, policy: RecipientPolicy): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/api/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok', messages: store.size });
  });

  app.get('/api/stats', (_req: Request, res: Response) => {
    res.json(store.stats);
  });

  app.get('/api/messages', (req: Request, res: Response) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid query', issues: parsed.error.issues });
      return;
    }
    const { total, messages } = store.list(parsed.data);
    res.json({ total, offset: parsed.data.offset, limit: parsed.data.limit, messages });
  });

  app.get('/api/messages/:id', (req: Request<{ id: string }>, res: Response) => {
    const mail = store.get(req.params.id);
    if (!mail) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.json(mail);
  });

  app.delete('/api/messages', async (_req: Request, res: Response) => {
    store.clear();
    await store.flush();
    res.status(204).end();
  });

  app.get('/api/config', (_req: Request, res: Response) => {
    res.json(policy.get());
  });

  app.post('/api/config', (req: Request, res: Response) => {
    const parsed = configPatch.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid config', issues: parsed.error.issues });
      return;
    }
    policy.set(parsed.data);
    res.json(policy.get());
  });

  app.get('/', (_req: Request, res: Response) => {
    const { total, messages } = store.list({ offset: 0, limit: 200 });
    res.setHeader('Content-Security-Policy', CSP).type('html').send(renderInbox(messages, total));
  });

  app.get('/messages/:id', (req: Request<{ id: string }>, res: Response) => {
    const mail = store.get(req.params.id);
    if (!mail) {
      res.status(404).type('text').send('not found');
      return;
    }
    res.setHeader('Content-Security-Policy', CSP).type('html').send(renderMail(mail));
  });

  return app;
}
