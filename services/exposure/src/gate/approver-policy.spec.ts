import type { Permission, Principal } from '@bnp/auth';
import { approvalRefusal } from './approver-policy';

describe(approvalRefusal.name, () => {
  const now = 1_800_000_000;
  const officer = (overrides: Partial<Principal> = {}): Principal => ({
    subject: 'alice-sub',
    displayName: 'alice',
    roles: ['privacy-officer'],
    permissions: new Set<Permission>(['incident:release']),
    serviceAccount: false,
    authTime: now - 60,
    secondFactor: true,
    jurisdiction: null,
    clientId: 'bnp-cli',
    ...overrides,
  });

  it('lets a privacy officer who signed in with a second factor in the last ten minutes approve', () => {
    expect(approvalRefusal(officer(), now)).toBeNull();
    expect(approvalRefusal(officer({ authTime: now - 600 }), now)).toBeNull();
  });

  it('refuses a sign-in with a password only', () => {
    expect(approvalRefusal(officer({ secondFactor: false }), now)).toContain('one-time password');
  });

  it('refuses a sign-in older than ten minutes, or one whose time is unknown', () => {
    expect(approvalRefusal(officer({ authTime: now - 601 }), now)).toContain('older than 10 minutes');
    expect(approvalRefusal(officer({ authTime: null }), now)).toContain('auth_time');
  });

  it('refuses a service account even with the role', () => {
    expect(approvalRefusal(officer({ serviceAccount: true }), now)).toContain('service account');
  });

  it('refuses a principal without the release permission', () => {
    expect(approvalRefusal(officer({ permissions: new Set(['incident:pause']) }), now)).toContain('privacy officer');
  });
});
