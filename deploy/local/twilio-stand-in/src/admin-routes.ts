// Test and benchmark controls under /__admin. No auth: the stand-in binds to 127.0.0.1 by default.
import express, { type Request, type Response, type Router } from 'express';
import { faultPatchSchema } from './faults';
import type { TwilioStandInAdmin } from './stand-in';

export function adminRoutes(admin: TwilioStandInAdmin): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/__admin/health', (_req: Request, res: Response) => {
    res.json(admin.health());
  });

  router.get('/__admin/messages', (req: Request, res: Response) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json({ messages: admin.messages(to) });
  });

  router.get('/__admin/stats', (_req: Request, res: Response) => {
    res.json(admin.stats());
  });

  router.post('/__admin/reset', async (_req: Request, res: Response) => {
    await admin.reset();
    res.status(204).end();
  });

  router.get('/__admin/faults', (_req: Request, res: Response) => {
    res.json(admin.faults());
  });

  router.post('/__admin/faults', (req: Request, res: Response) => {
    const parsed = faultPatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid fault settings', issues: parsed.error.issues });
      return;
    }
    admin.setFaults(parsed.data);
    res.json(admin.faults());
  });

  router.delete('/__admin/faults', (_req: Request, res: Response) => {
    admin.clearFaults();
    res.json(admin.faults());
  });

  return router;
}
