import nodemailer from 'nodemailer';

export interface SmtpCeiling {
  messages: number;
  connections: number;
  seconds: number;
  per_second: number;
}

/** A notice-sized mail (Urdu and English text, HTML alternative), so the sink parses what it will parse in the run. */
function sampleMail(i: number): { subject: string; text: string; html: string } {
  const urdu = 'آپ کے کچھ ذاتی کوائف ایک سیکیورٹی واقعے میں متاثر ہوئے ہیں۔ '.repeat(12);
  const english = 'Some of your personal data was affected by a security incident. '.repeat(12);
  return {
    subject: `اطلاع: ڈیٹا کا واقعہ / Notice ${i}`,
    text: `${urdu}\n\n${english}\nRef ABCDE-${String(i).padStart(5, '0')}`,
    html: `<html><body><p dir="rtl">${urdu}</p><p>${english}</p><p>Ref ABCDE-${i}</p></body></html>`,
  };
}

/**
 * The SMTP sink's own ceiling: a plain pooled nodemailer loop against it, `concurrency` sends in flight.
 * Nothing of the notifier is involved, so this is the most the sink can take from one client process.
 */
export async function measureSmtpCeiling(
  host: string,
  port: number,
  messages = 3000,
  connections = 10,
): Promise<SmtpCeiling> {
  const transport = nodemailer.createTransport({
    pool: true,
    host,
    port,
    secure: false,
    maxConnections: connections,
    maxMessages: Infinity,
    tls: { rejectUnauthorized: false },
  });
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      await transport.sendMail({
        from: 'ceiling@bench.bnp',
        to: `ceiling-${i}@bench.example.pk`,
        messageId: `<ceiling-${i}@bench.bnp>`,
        ...sampleMail(i),
      });
    }
  };
  await Promise.all(Array.from({ length: connections * 2 }, worker));
  const seconds = (Date.now() - started) / 1000;
  transport.close();
  return { messages, connections, seconds, per_second: Math.round(messages / seconds) };
}
