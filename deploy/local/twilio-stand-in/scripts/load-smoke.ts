// Quick throughput check against a running stand-in: N keep-alive connections POSTing creates for
// D seconds, spread over many senders so the per-sender rate limit is not what is measured.
//
// usage: node -r @swc-node/register deploy/local/twilio-stand-in/scripts/load-smoke.ts [url] [connections] [seconds]
import { Agent, request } from 'node:http';

const [url = 'http://127.0.0.1:4010', connectionsText = '50', secondsText = '10'] = process.argv.slice(2);
const accountSid = process.env.TWILIO_ACCOUNT_SID ?? 'AC00000000000000000000000000000000';
const authToken = process.env.TWILIO_AUTH_TOKEN ?? 'local-stand-in-auth-token';
const connections = Number(connectionsText);
const deadline = Date.now() + Number(secondsText) * 1000;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(`/2010-04-01/Accounts/${accountSid}/Messages.json`, url);
const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
const statuses = new Map<number, number>();
const latencies: number[] = [];

function post(i: number): Promise<void> {
  const body = new URLSearchParams({
    To: `+92300${String(1_000_000 + (i % 1_000_000)).slice(1)}0`,
    From: `+1500555${String(1000 + (i % 100)).slice(1)}`,
    Body: 'آپ کے اکاؤنٹ کی معلومات افشا ہو سکتی ہیں۔ براہ کرم اپنا پاس ورڈ تبدیل کریں۔',
  }).toString();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.on('end', () => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          latencies.push(performance.now() - started);
          resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function worker(id: number): Promise<void> {
  for (let i = id; Date.now() < deadline; i += connections) await post(i);
}

async function main(): Promise<void> {
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, (_, id) => worker(id)));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]?.toFixed(1);
  console.log(
    JSON.stringify({
      requests: latencies.length,
      perSecond: Math.round(latencies.length / seconds),
      statuses: Object.fromEntries(statuses),
      latencyMs: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
    }),
  );
  agent.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
