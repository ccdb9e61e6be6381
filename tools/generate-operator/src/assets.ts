/** A row of assets.csv: categories are breach.v1.PiiCategory names without the prefix. */
export interface AssetRecord {
  assetId: string;
  owningSystem: string;
  categories: readonly string[];
  description: string;
}

/** The synthetic operator's data inventory: ten systems a breach could touch. */
export const ASSETS: readonly AssetRecord[] = [
  {
    assetId: 'crm.subscribers',
    owningSystem: 'crm',
    categories: ['NAME', 'CNIC', 'MSISDN', 'EMAIL', 'POSTAL_ADDRESS', 'DATE_OF_BIRTH'],
    description: 'Customer master, one row per subscription',
  },
  {
    assetId: 'billing.payment_methods',
    owningSystem: 'billing',
    categories: ['NAME', 'MSISDN', 'BANK_ACCOUNT', 'PAYMENT_CARD'],
    description: 'Stored cards and bank mandates for automatic payment',
  },
  {
    assetId: 'billing.invoices',
    owningSystem: 'billing',
    categories: ['NAME', 'MSISDN', 'EMAIL', 'POSTAL_ADDRESS', 'CALL_RECORDS'],
    description: 'Monthly invoices and e-receipts, with itemised calls',
  },
  {
    assetId: 'cdr.voice_2023q1',
    owningSystem: 'mediation',
    categories: ['MSISDN', 'IMSI', 'IMEI', 'CALL_RECORDS', 'LOCATION'],
    description: 'Voice call detail records January to March 2023, with serving cell',
  },
  {
    assetId: 'cdr.data_2023q1',
    owningSystem: 'mediation',
    categories: ['MSISDN', 'IMSI', 'IMEI', 'LOCATION'],
    description: 'Data session records January to March 2023, with serving cell',
  },
  {
    assetId: 'wallet.accounts',
    owningSystem: 'mobile-wallet',
    categories: ['NAME', 'CNIC', 'MSISDN', 'MOBILE_WALLET', 'BANK_ACCOUNT'],
    description: 'Mobile wallet accounts and linked bank accounts',
  },
  {
    assetId: 'selfcare.credentials',
    owningSystem: 'selfcare-app',
    categories: ['MSISDN', 'EMAIL', 'CREDENTIALS'],
    description: 'Self-care app logins: password hashes and OTP seeds',
  },
  {
    assetId: 'retail.biometric_verifications',
    owningSystem: 'retail',
    categories: ['NAME', 'CNIC', 'MSISDN', 'BIOMETRIC'],
    description: 'Fingerprint verifications (BVS) at SIM issuance and re-verification',
  },
  {
    assetId: 'network.sim_inventory',
    owningSystem: 'network',
    categories: ['MSISDN', 'IMSI', 'ICCID', 'IMEI'],
    description: 'SIM inventory: IMSI, ICCID and last seen IMEI per number',
  },
  {
    assetId: 'marketing.leads',
    owningSystem: 'marketing',
    categories: ['NAME', 'MSISDN', 'EMAIL', 'LOCATION'],
    description: 'Campaign leads and opt-ins',
  },
];
