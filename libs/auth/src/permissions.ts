import { z } from 'zod';
import permissionsV1 from './permissions.v1.json';

/** Every permission a route can ask for. Adding one is a change here and in the data file. */
export const PERMISSIONS = [
  'incident:read',
  'incident:read-own-jurisdiction',
  'incident:release',
  'incident:pause',
  'incident:resume',
  'notices:read',
  'enrollment:read',
  'enrollment:opt-out',
  'report:file',
  // Customer care (services/care-api): find a person and read their masked record; act for a verified caller.
  'care:read',
  'care:act',
  // A supervisor reveals one full number or email with a reason; and watches the incident board.
  'care:reveal',
  'care:board',
  // The narrow directory lookup of the exposure service (by blind index), relayed by care-api with the agent's token.
  'directory:lookup',
  // The transparency log (services/transparency-log): its checkpoint, hash tiles and proofs hold only hashes;
  // its entries (entry tiles, incident bundles) mix incidents, so only auditors and regulator-api's relay read them.
  'log:read',
  'log:entries',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const permissionFileSchema = z.object({
  version: z.literal(1),
  comment: z.string().optional(),
  roles: z.record(z.string().min(1), z.array(z.enum(PERMISSIONS))),
});

/** Roles to permissions, from a versioned data file; validated when loaded so a typo stops the service at boot. */
export class PermissionMap {
  private constructor(
    readonly version: number,
    private readonly byRole: ReadonlyMap<string, ReadonlySet<Permission>>,
  ) {}

  static load(file: unknown = permissionsV1): PermissionMap {
    const parsed = permissionFileSchema.safeParse(file);
    if (!parsed.success) {
      throw new Error(
        `permissions file: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    }
    const byRole = new Map(Object.entries(parsed.data.roles).map(([role, list]) => [role, new Set(list)] as const));
    return new PermissionMap(parsed.data.version, byRole);
  }

  permissionsOf(roles: readonly string[]): ReadonlySet<Permission> {
    const granted = new Set<Permission>();
    for (const role of roles) for (const permission of this.byRole.get(role) ?? []) granted.add(permission);
    return granted;
  }
}
