import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Channel, ProtectiveAction, RiskTier } from '@bnp/contracts';
import { ALL_CATEGORIES_MASK, categoryMask, parseCategoryName } from './categories';

const tierName = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
const categoryList = z.array(z.string()).default([]);

const policySchema = z.object({
  version: z.string().min(1),
  description: z.string().optional(),
  rules: z
    .array(
      z.object({
        id: z.string().min(1),
        tier: tierName,
        allOf: categoryList,
        anyOf: categoryList,
        why: z.string().min(1),
      }),
    )
    .min(1),
  tiers: z.record(
    tierName,
    z.object({
      channels: z.array(z.enum(['SMS', 'EMAIL'])).min(1),
      actions: z.array(z.enum(['SIM_SWAP_LOCK', 'PORT_OUT_LOCK', 'PIN_RESET', 'FRAUD_MONITORING'])),
      monitoringMonths: z.number().int().min(1).max(60).optional(),
    }),
  ),
  conditionalActions: z
    .array(
      z.object({
        whenAnyOf: z.array(z.string()).min(1),
        action: z.enum(['SIM_SWAP_LOCK', 'PORT_OUT_LOCK', 'PIN_RESET', 'FRAUD_MONITORING']),
      }),
    )
    .default([]),
  releaseGate: z.object({
    maxPeopleWithoutApproval: z.number().int().min(0),
    approvalsRequired: z.number().int().min(2),
  }),
});

export interface CompiledRule {
  id: string;
  tier: RiskTier;
  allMask: number;
  anyMask: number;
  why: string;
}

export interface TierPolicy {
  channels: Channel[];
  actions: ProtectiveAction[];
  monitoringMonths: number;
}

/**
 * The risk policy: versioned data in the repository (policy/risk-policy.v1.json), validated at boot.
 * It turns a set of exposed categories into a tier (first matching rule wins) and the tier into
 * channels and protective actions. The same rules compile to SQL so tiering runs set-based.
 */
export class RiskPolicy {
  private constructor(
    readonly version: string,
    readonly rules: CompiledRule[],
    readonly tiers: ReadonlyMap<RiskTier, TierPolicy>,
    readonly conditionalActions: { mask: number; action: ProtectiveAction }[],
    readonly maxPeopleWithoutApproval: number,
    readonly approvalsRequired: number,
  ) {}

  static load(path = join(__dirname, 'risk-policy.v1.json')): RiskPolicy {
    return RiskPolicy.fromJson(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
  }

  static fromJson(json: unknown, source = 'risk policy'): RiskPolicy {
    const parsed = policySchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `${source} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    }
    const policy = parsed.data;
    const mask = (names: string[], where: string) => {
      try {
        return categoryMask(names.map(parseCategoryName));
      } catch (error) {
        throw new Error(`${source}: ${where}: ${(error as Error).message}`);
      }
    };
    const ids = new Set<string>();
    const rules = policy.rules.map((rule) => {
      if (ids.has(rule.id)) throw new Error(`${source}: rule id '${rule.id}' is used twice`);
      ids.add(rule.id);
      if (rule.allOf.length === 0 && rule.anyOf.length === 0)
        throw new Error(`${source}: rule '${rule.id}' matches nothing`);
      return {
        id: rule.id,
        tier: RiskTier[rule.tier],
        allMask: mask(rule.allOf, rule.id),
        anyMask: mask(rule.anyOf, rule.id),
        why: rule.why,
      };
    });
    // Every single category must land in some tier, or an exposure could go untiered (and unnotified).
    const covered = rules.filter((rule) => rule.allMask === 0).reduce((acc, rule) => acc | rule.anyMask, 0);
    if ((covered & ALL_CATEGORIES_MASK) !== ALL_CATEGORIES_MASK) {
      throw new Error(`${source}: some categories match no rule on their own; add them to an anyOf-only rule`);
    }
    const tiers = new Map<RiskTier, TierPolicy>();
    for (const name of tierName.options) {
      const tier = policy.tiers[name];
      if (!tier) throw new Error(`${source}: tier ${name} has no channels and actions`);
      tiers.set(RiskTier[name], {
        channels: tier.channels.map((channel) => Channel[channel]),
        actions: tier.actions.map((action) => ProtectiveAction[action]),
        monitoringMonths: tier.monitoringMonths ?? 12,
      });
    }
    const conditionalActions = policy.conditionalActions.map((entry) => ({
      mask: mask(entry.whenAnyOf, 'conditionalActions'),
      action: ProtectiveAction[entry.action],
    }));
    return new RiskPolicy(
      policy.version,
      rules,
      tiers,
      conditionalActions,
      policy.releaseGate.maxPeopleWithoutApproval,
      policy.releaseGate.approvalsRequired,
    );
  }

  classify(categories: number): { tier: RiskTier; rule: string } {
    for (const rule of this.rules) {
      if ((categories & rule.allMask) === rule.allMask && (rule.anyMask === 0 || (categories & rule.anyMask) !== 0)) {
        return { tier: rule.tier, rule: rule.id };
      }
    }
    return { tier: RiskTier.LOW, rule: 'none' };
  }

  tierPolicy(tier: RiskTier): TierPolicy {
    const policy = this.tiers.get(tier);
    if (!policy) throw new Error(`no policy for tier ${RiskTier[tier]}`);
    return policy;
  }

  /** The tier's actions plus those that specific categories add (PIN reset when credentials were taken). */
  actionsFor(tier: RiskTier, categories: number): ProtectiveAction[] {
    const actions = new Set(this.tierPolicy(tier).actions);
    for (const conditional of this.conditionalActions)
      if ((categories & conditional.mask) !== 0) actions.add(conditional.action);
    return [...actions].sort((a, b) => a - b);
  }

  /** SQL for `classify` over an int bitmask column: `{ tier, rule }` expressions with the same rule order. */
  toSql(column: string): { tier: string; rule: string } {
    const condition = (rule: CompiledRule) =>
      [
        rule.allMask !== 0 ? `(${column} & ${rule.allMask}) = ${rule.allMask}` : null,
        rule.anyMask !== 0 ? `(${column} & ${rule.anyMask}) <> 0` : null,
      ]
        .filter(Boolean)
        .join(' AND ');
    const tier = `(CASE ${this.rules.map((rule) => `WHEN ${condition(rule)} THEN ${rule.tier}`).join(' ')} ELSE ${RiskTier.LOW} END)::smallint`;
    const rule = `(CASE ${this.rules.map((r) => `WHEN ${condition(r)} THEN '${r.id.replace(/'/g, "''")}'`).join(' ')} ELSE 'none' END)`;
    return { tier, rule };
  }
}
