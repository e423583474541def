/**
 * Reading CloudFormation templates as data: the repository's YAML templates use long-form intrinsics
 * (`Fn::Sub`, `Ref`), so a plain YAML parser reads them, and generated JSON templates read the same way.
 */
import { readFile } from 'node:fs/promises';
import { isAlias, parseDocument, visit } from 'yaml';

export interface Resource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
}

export interface Template {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface LoadedTemplate {
  template: Template;
  /** Parser complaints: an unknown tag such as `!Ref` is one (short-form intrinsics need a schema). */
  problems: string[];
  /** Whether the file uses YAML aliases, which CloudFormation's YAML does not accept. */
  hasAliases: boolean;
}

/** Parses a template (YAML or JSON) without any CloudFormation tag schema. */
export async function loadTemplate(path: string): Promise<LoadedTemplate> {
  const document = parseDocument(await readFile(path, 'utf8'));
  let hasAliases = false;
  visit(document, (_key, node) => {
    if (isAlias(node)) hasAliases = true;
  });
  return {
    template: document.toJS() as Template,
    problems: [...document.errors, ...document.warnings].map((problem) => problem.message),
    hasAliases,
  };
}

/**
 * The logical id a value points at: `{Ref: X}`, `{"Fn::GetAtt": [X, attribute]}` or `"X.attribute"`;
 * anything else (a literal id, another intrinsic) is returned as JSON so it never matches an id.
 */
export function target(value: unknown): string {
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
    if (typeof getAtt === 'string') return getAtt.split('.')[0] ?? getAtt;
  }
  return JSON.stringify(value);
}

/** A security group rule, whether inline in the group or a resource of its own. */
export interface SecurityGroupRule {
  /** Logical id of the rule's resource (the group itself for inline rules). */
  resource: string;
  direction: 'ingress' | 'egress';
  /** Logical id of the group the rule belongs to. */
  group: string;
  /** The other side: a group's logical id, or an address range, or a prefix list. */
  peer: { group: string } | { cidr: string } | { prefixList: string };
  protocol: string;
  fromPort: number | undefined;
  toPort: number | undefined;
}

function peerOf(rule: Record<string, unknown>): SecurityGroupRule['peer'] {
  const group = rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId ?? rule.SourceSecurityGroupName;
  if (group !== undefined) return { group: target(group) };
  const cidr = rule.CidrIp ?? rule.CidrIpv6;
  if (cidr !== undefined) return { cidr: String(cidr) };
  return { prefixList: target(rule.SourcePrefixListId ?? rule.DestinationPrefixListId) };
}

function ruleOf(
  resource: string,
  direction: SecurityGroupRule['direction'],
  group: string,
  rule: Record<string, unknown>,
): SecurityGroupRule {
  return {
    resource,
    direction,
    group,
    peer: peerOf(rule),
    protocol: String(rule.IpProtocol),
    fromPort: rule.FromPort === undefined ? undefined : Number(rule.FromPort),
    toPort: rule.ToPort === undefined ? undefined : Number(rule.ToPort),
  };
}

/** Every security group rule of the template, inline or separate. */
export function securityGroupRules(template: Template): SecurityGroupRule[] {
  return Object.entries(template.Resources).flatMap(([id, { Type, Properties = {} }]) => {
    switch (Type) {
      case 'AWS::EC2::SecurityGroup': {
        const inline = (key: string) => (Properties[key] ?? []) as Record<string, unknown>[];
        return [
          ...inline('SecurityGroupIngress').map((rule) => ruleOf(id, 'ingress', id, rule)),
          ...inline('SecurityGroupEgress').map((rule) => ruleOf(id, 'egress', id, rule)),
        ];
      }
      case 'AWS::EC2::SecurityGroupIngress':
        return [ruleOf(id, 'ingress', target(Properties.GroupId ?? Properties.GroupName), Properties)];
      case 'AWS::EC2::SecurityGroupEgress':
        return [ruleOf(id, 'egress', target(Properties.GroupId), Properties)];
      default:
        return [];
    }
  });
}

/** The value at `path` inside `value` (object keys, array indexes), or undefined where the path breaks. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );
}

/** Logical ids and resources of one type. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
