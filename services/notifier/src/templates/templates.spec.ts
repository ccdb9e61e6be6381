import { AttackVector, PiiCategory, ProtectiveAction } from '@bnp/contracts';
import { activationSmsTemplate, activationTemplates, allTemplates, emailTemplate, smsTemplate } from './registry';
import { countSegments } from './segments';
import type { ActivationContext, NoticeContext, TierName } from './template';

const ALL_CATEGORIES = Object.values(PiiCategory).filter(
  (value): value is PiiCategory => typeof value === 'number' && value !== PiiCategory.UNSPECIFIED,
);
const ALL_ACTIONS = [
  ProtectiveAction.SIM_SWAP_LOCK,
  ProtectiveAction.PORT_OUT_LOCK,
  ProtectiveAction.PIN_RESET,
  ProtectiveAction.FRAUD_MONITORING,
];

/** The longest input a template can meet: every category, every protection, the longest codes and names. */
function worstCase(overrides: Partial<NoticeContext> = {}): NoticeContext {
  return {
    tier: 'critical',
    change: 'new',
    operatorName: 'Baltik',
    operatorNameUr: 'بالٹک',
    helpline: '0800-22584',
    officialSite: 'www.baltik.example/breach',
    referenceCode: 'ZZZZZ-ZZZZZ',
    detectedAt: new Date('2026-12-31T20:00:00Z'),
    occurredTo: new Date('2026-12-30T20:00:00Z'),
    attackVectors: [AttackVector.PHISHING, AttackVector.DDOS, AttackVector.ZERO_DAY_EXPLOIT],
    categories: ALL_CATEGORIES,
    newCategories: ALL_CATEGORIES,
    maskedNumbers: ['+92 3** *** **67', '+92 3** *** **12'],
    actions: ALL_ACTIONS,
    activationCode: 'ZZZZ-ZZZZ-ZZZZ',
    enrollBy: new Date('2027-01-31T00:00:00Z'),
    monitoringMonths: 24,
    protectionPending: false,
    regulatorReport: {
      regulatorName: 'Pakistan Telecommunication Authority',
      regulatorNameUr: 'پاکستان ٹیلی کمیونیکیشن اتھارٹی',
      filedAt: null,
      dueAt: new Date('2027-01-03T20:00:00Z'),
    },
    ...overrides,
  };
}

function typical(tier: TierName, overrides: Partial<NoticeContext> = {}): NoticeContext {
  return worstCase({
    tier,
    categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.BANK_ACCOUNT],
    newCategories: [],
    actions:
      tier === 'critical' || tier === 'high' ? [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.FRAUD_MONITORING] : [],
    activationCode: tier === 'critical' || tier === 'high' ? 'K7Q2-9XMD' : null,
    referenceCode: '7KQ2M-9XMDA',
    ...overrides,
  });
}

const TIERS: TierName[] = ['critical', 'high', 'medium', 'low'];
const VARIANTS: Partial<NoticeContext>[] = [
  {},
  { change: 'widened' },
  { activationCode: null, protectionPending: true },
];

describe('notice templates', () => {
  const sms = allTemplates().filter((template) => template.channel === 'sms');
  const emails = allTemplates().filter((template) => template.channel === 'email');

  it('has a versioned template per tier, channel and language, and for corrections and protection details', () => {
    expect(sms).toHaveLength(12);
    expect(emails).toHaveLength(12);
    const ids = allTemplates().map((template) => template.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const template of allTemplates()) expect(template.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });

  it.each(sms.map((template) => [template.id, template] as const))(
    'keeps %s within its segment cap for worst-case input',
    (_id, template) => {
      for (const variant of VARIANTS) {
        const { body } = template.render(worstCase(variant));
        const { segments, encoding } = countSegments(body);
        expect(segments).toBeLessThanOrEqual(template.maxSegments);
        expect(encoding).toBe(template.language === 'ur' ? 'UCS-2' : 'GSM-7');
      }
    },
  );

  it.each(sms.map((template) => [template.id, template] as const))(
    '%s has no link and carries the helpline and reference code',
    (_id, template) => {
      const { body } = template.render(worstCase());
      expect(body).not.toMatch(/https?:|www\.|\.example|\.com|\.pk/i);
      expect(body).toContain('0800-22584');
      expect(body).toContain('ZZZZZ-ZZZZZ');
    },
  );

  it('names the person’s own categories in the SMS, most harmful first, and no others', () => {
    const { body } = smsTemplate('notice', 'high', 'en').render(
      typical('high', { categories: [PiiCategory.LOCATION, PiiCategory.CNIC] }),
    );
    expect(body).toContain('CNIC & location');
    expect(body).not.toMatch(/bank|name/i);
    const urdu = smsTemplate('notice', 'high', 'ur').render(
      typical('high', { categories: [PiiCategory.LOCATION, PiiCategory.CNIC] }),
    ).body;
    expect(urdu).toContain('شناختی کارڈ نمبر، مقام');
    expect(urdu).not.toContain('بینک');
  });

  it('writes Urdu SMS in Arabic script and keeps typical ones short', () => {
    for (const tier of TIERS) {
      const { body } = smsTemplate('notice', tier, 'ur').render(typical(tier));
      expect(body).toMatch(/[\u0600-\u06FF]/);
      expect(countSegments(body).segments).toBeLessThanOrEqual(4);
      expect(countSegments(smsTemplate('notice', tier, 'en').render(typical(tier)).body).segments).toBeLessThanOrEqual(
        2,
      );
    }
  });

  it('puts the activation code in the notice, or says protection details follow when it did not arrive', () => {
    expect(smsTemplate('notice', 'critical', 'en').render(typical('critical')).body).toContain('K7Q2-9XMD');
    const pending = typical('critical', { activationCode: null, protectionPending: true });
    expect(smsTemplate('notice', 'critical', 'en').render(pending).body).toContain('Protection details follow');
    expect(emailTemplate('notice', 'critical', 'en').render(pending).text).toContain(
      'will follow in a separate message',
    );
    expect(smsTemplate('notice', 'critical', 'ur').render(pending).body).toContain('تفصیل جلد بھیجی جائے گی');
  });

  it.each(emails.map((template) => [template.id, template] as const))(
    '%s renders text and escaped HTML',
    (_id, template) => {
      const content = template.render(
        worstCase({ operatorName: 'Baltik <Telecom> & Co', operatorNameUr: 'بالٹک <Telecom> & Co' }),
      );
      expect(content.subject.length).toBeGreaterThan(10);
      expect(content.html).not.toContain('<Telecom>');
      expect(content.html).toContain('&#60;Telecom&#62; &#38; Co');
      expect(content.text).toContain('ZZZZZ-ZZZZZ');
      expect(content.text).toContain('0800-22584');
    },
  );

  it('gives the full notice every element the law asks for, with this person’s data only', () => {
    const context = typical('critical', { categories: [PiiCategory.CNIC, PiiCategory.CALL_RECORDS] });
    const { text, html } = emailTemplate('notice', 'critical', 'en').render(context);
    expect(text).toContain('What happened');
    expect(text).toContain('01-01-2027'); // detected 2026-12-31 20:00 UTC is 1 January in Pakistan
    expect(text).toContain('your CNIC number');
    expect(text).toContain('records of your calls and messages');
    expect(text).not.toContain('bank account');
    expect(text).toContain('+92 3** *** **67');
    expect(text).toContain('What this could mean for you');
    expect(text).toContain('We blocked any SIM replacement');
    expect(text).toContain('activation code is K7Q2-9XMD');
    expect(text).toContain('What you should do now');
    expect(text).toContain('www.baltik.example/breach');
    expect(html).toContain('lang="en" dir="ltr"');
  });

  it('says the breach was reported to the regulator only once a receipt exists', () => {
    const preparing = typical('high');
    const filed = typical('high', {
      regulatorReport: { ...preparing.regulatorReport!, filedAt: new Date('2027-01-02T06:00:00Z') },
    });

    const before = emailTemplate('notice', 'high', 'en').render(preparing).text;
    const after = emailTemplate('notice', 'high', 'en').render(filed).text;
    const beforeUr = emailTemplate('notice', 'high', 'ur').render(preparing).text;
    const afterUr = emailTemplate('notice', 'high', 'ur').render(filed).text;

    expect(before).not.toContain('reported the breach');
    expect(before).toContain(
      'Our report to the Pakistan Telecommunication Authority is being prepared and is due by 04-01-2027',
    );
    expect(after).toContain('reported the breach to the Pakistan Telecommunication Authority on 02-01-2027');
    expect(beforeUr).not.toContain('اطلاع دے دی ہے');
    expect(beforeUr).toContain('رپورٹ تیار کی جا رہی ہے اور 04-01-2027 تک');
    expect(afterUr).toContain('02-01-2027 کو پاکستان ٹیلی کمیونیکیشن اتھارٹی کو اطلاع دے دی ہے');
  });

  it('names the regulator of the incident’s jurisdiction, and none where no rules exist', () => {
    const fcc = typical('low', {
      regulatorReport: {
        regulatorName: 'Federal Communications Commission',
        regulatorNameUr: 'ف',
        filedAt: null,
        dueAt: null,
      },
    });
    const text = emailTemplate('notice', 'low', 'en').render(fcc).text;
    expect(text).toContain(
      'Our report to the Federal Communications Commission is being prepared and will be filed without undue delay',
    );
    expect(text).not.toContain('Pakistan Telecommunication Authority');
    const none = emailTemplate('notice', 'low', 'en').render(typical('low', { regulatorReport: null })).text;
    expect(none).toContain('We closed the access the attackers used and are investigating with the authorities.');
    expect(none).not.toMatch(/report(ed)? (the breach )?to the/);
  });

  it('renders the Urdu email right to left in a Nastaliq face', () => {
    const { html, text, subject } = emailTemplate('notice', 'medium', 'ur').render(typical('medium'));
    expect(html).toContain('lang="ur" dir="rtl"');
    expect(html).toContain('Nastaliq');
    expect(subject).toMatch(/[\u0600-\u06FF]/);
    expect(text).toContain('آپ کا شناختی کارڈ نمبر');
  });
});

describe('one-time code templates (fraud-watch activation, care code)', () => {
  const context = (overrides: Partial<ActivationContext> = {}): ActivationContext => ({
    operatorName: 'Baltik',
    operatorNameUr: 'بالٹک',
    oneTimeCode: '042917',
    // 09:05 UTC is 14:05 in Pakistan.
    expiresAt: new Date('2026-12-31T09:05:00Z'),
    referenceCode: 'ZZZZZ-ZZZZZ',
    ...overrides,
  });

  it('has one versioned template per purpose and language', () => {
    expect(activationTemplates().map((template) => [template.id, template.purpose, template.language])).toEqual([
      ['activation.sms.en', 'activation', 'en'],
      ['activation.sms.ur', 'activation', 'ur'],
      ['care-code.sms.en', 'care-code', 'en'],
      ['care-code.sms.ur', 'care-code', 'ur'],
    ]);
    for (const template of activationTemplates()) expect(template.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    expect(activationSmsTemplate('care-verification', 'ur').id).toBe('care-code.sms.ur');
    expect(activationSmsTemplate('fraud-activation', 'en').id).toBe('activation.sms.en');
  });

  it.each(activationTemplates().map((template) => [template.id, template] as const))(
    '%s says the code and when it expires, within its segment cap, with no link',
    (_id, template) => {
      const { body } = template.render(context());
      const { segments, encoding } = countSegments(body);
      expect(segments).toBeLessThanOrEqual(template.maxSegments);
      expect(encoding).toBe(template.language === 'ur' ? 'UCS-2' : 'GSM-7');
      expect(body).toContain('042917');
      expect(body).toContain('14:05');
      // The reconciler finds the message by it.
      expect(body).toContain('ZZZZZ-ZZZZZ');
      expect(body).not.toMatch(/https?:|www\.|\.example|\.com|\.pk/i);
    },
  );

  it('keeps the English code SMS to one segment and the Urdu one to two, and says never to share it', () => {
    const english = activationSmsTemplate('fraud-activation', 'en').render(context()).body;
    expect(countSegments(english).segments).toBe(1);
    expect(english).toMatch(/expires at 14:05/);
    expect(english).toMatch(/never share it/i);
    const urdu = activationSmsTemplate('fraud-activation', 'ur').render(context()).body;
    expect(urdu).toMatch(/[\u0600-\u06FF]/);
    expect(urdu).toContain('کسی کو نہ بتائیں');
    expect(countSegments(urdu).segments).toBeLessThanOrEqual(2);
  });

  it('tells a caller to read the care code only to our agent on a call they made, never calling it a fraud-watch code', () => {
    const english = activationSmsTemplate('care-verification', 'en').render(context()).body;
    expect(english).toBe(
      '042917 is your Baltik care code. Read it to our helpline agent only on a call you made to us. It expires at 14:05. Ref ZZZZZ-ZZZZZ',
    );
    expect(countSegments(english).segments).toBe(1);
    const urdu = activationSmsTemplate('care-verification', 'ur').render(context()).body;
    expect(urdu).toMatch(/^بالٹک کیئر کوڈ 042917۔/);
    expect(urdu).toContain('ہیلپ لائن ایجنٹ کو بتائیں');
    expect(urdu).toContain('خود کی گئی کال');
    expect(urdu).toContain('14:05 تک');
    expect(urdu).not.toContain('فراڈ نگرانی');
    expect(countSegments(urdu).segments).toBeLessThanOrEqual(2);
  });

  it('keeps the care code SMS within its cap for a longer operator name', () => {
    const longer = context({ operatorName: 'Baltik Telecom', operatorNameUr: 'بالٹک ٹیلی کام' });
    for (const language of ['en', 'ur'] as const) {
      const template = activationSmsTemplate('care-verification', language);
      expect(countSegments(template.render(longer).body).segments).toBeLessThanOrEqual(template.maxSegments);
    }
  });
});
