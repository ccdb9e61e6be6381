import { useState } from 'react';
import { api } from '../api';
import type { Session } from '../auth';
import { useI18n } from '../i18n';

interface Verification {
  verificationId: string;
  sentTo: string;
  expiresAt: string;
  verified: boolean;
  attemptsLeft: number;
}

/**
 * Caller verification (ADR 25): text a care code to a number the person still holds; the agent types
 * what the caller reads back. Never ask for a fraud-watch code, a CNIC or an address: the breach leaked them.
 */
export function VerifyCaller(props: {
  session: Session;
  personId: string;
  reason: string;
  heldNumbers: { subscriberId: string; msisdnMasked: string }[];
  /** Told once the caller read the code back: actions cite this verification. */
  onVerified: (verificationId: string) => void;
}) {
  const { t } = useI18n();
  const [subscriberId, setSubscriberId] = useState(props.heldNumbers[0]?.subscriberId ?? '');
  const [verification, setVerification] = useState<Verification | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const base = `/people/${encodeURIComponent(props.personId)}/verifications`;
  const reason = props.reason || 'console';

  if (props.heldNumbers.length === 0) return <p>{t('verify.noNumber')}</p>;

  const send = async () => {
    setError(null);
    try {
      setVerification(await api<Verification>(props.session, base, { method: 'POST', body: { subscriberId }, reason }));
      setCode('');
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const check = async () => {
    if (!verification) return;
    setError(null);
    try {
      const checked = await api<Verification>(props.session, `${base}/${verification.verificationId}/confirm`, {
        method: 'POST',
        body: { code },
        reason,
      });
      setVerification(checked);
      if (checked.verified) props.onVerified(checked.verificationId);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <section className="verify" data-testid="verify-caller">
      <h3>{t('verify.title')}</h3>
      <p>{t('verify.hint')}</p>
      {verification?.verified ? (
        <p data-testid="verified">
          <strong>{t('verify.verified')}</strong> · <code>{verification.verificationId}</code>
        </p>
      ) : (
        <>
          <label>
            {t('verify.number')}{' '}
            <select value={subscriberId} onChange={(event) => setSubscriberId(event.target.value)}>
              {props.heldNumbers.map((number) => (
                <option key={number.subscriberId} value={number.subscriberId} dir="ltr">
                  {number.msisdnMasked}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" onClick={() => void send()}>
            {verification ? t('verify.resend') : t('verify.send')}
          </button>
          {verification && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void check();
              }}
            >
              <p>
                {t('verify.sent', {
                  number: verification.sentTo,
                  time: new Date(verification.expiresAt).toLocaleTimeString(),
                })}
              </p>
              <label>
                {t('verify.code')}{' '}
                <input
                  value={code}
                  onChange={(event) => setCode(event.target.value)}
                  inputMode="numeric"
                  autoComplete="off"
                  dir="ltr"
                />
              </label>{' '}
              <button type="submit">{t('verify.check')}</button>
            </form>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {t('error.prefix', { message: error })}
        </p>
      )}
    </section>
  );
}
